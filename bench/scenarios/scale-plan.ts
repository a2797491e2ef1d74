/**
 * One event name at a target rate, computed: how many shards of each object it takes to keep
 * every object at or under half of Cloudflare's documented per-object limits, and the load each
 * then carries, from per-operation costs the `scale` scenario measured. Pure arithmetic.
 *
 * The worst case is assumed where it decides: every event arrives in a publish of its own (a
 * webhook), so each is one request to its stream shard and one to its index shard (publishes of
 * many events share requests); every event triggers one run, whose `inngest/function.finished`
 * is one more event (index, system queue, the system name's stream shards).
 */

/** Cloudflare's documented per-object and per-queue limits. */
export const LIMITS = { objectRequestsPerS: 1_000, objectStorageBytes: 10e9, queueMessagesPerS: 5_000, cpuMsPerS: 1_000 } as const
/** How long the system events' streams keep them by default (`INNGEST_SYSTEM_LOOKBACK_HOURS`). */
const SYSTEM_LOOKBACK_S = 3_600
/** The share of each limit an object may use. */
const HEADROOM = 0.5

export interface PlanInputs {
  /** Events per second on one name. */
  readonly eventsPerS: number
  /** Open waits and open cancellations on that name, and how long each stays open on average. */
  readonly openRegistrations: number
  readonly registrationLifetimeS: number
  /** Hours a stream keeps events for lookback; hours the index keeps them. */
  readonly lookbackHours: number
  readonly retentionHours: number
  /** Measured: bytes per stored stream event and per stored index event. */
  readonly streamBytesPerEvent: number
  readonly indexBytesPerEvent: number
  /** Measured: bytes per stored `inngest/function.finished` (kept `INNGEST_SYSTEM_LOOKBACK_HOURS`, 1 h). */
  readonly finishedBytesPerEvent: number
  /** Measured: stream CPU per event ingested with the registrations open (indexed), in µs. */
  readonly ingestUsPerEvent: number
  /** Measured: one registration in one stream shard, ms. */
  readonly registerMs: number
}

export interface PlanRow {
  readonly object: string
  readonly count: number
  readonly requestsPerS: number
  readonly storageBytes: number
  readonly cpuMsPerS: number
  /** What decided the count. */
  readonly bound: string
}

const atMost = (share: number) => share * HEADROOM

/** The shards needed so each carries at most half of every limit, and the load each carries. */
export function planFor(inputs: PlanInputs): PlanRow[] {
  const lookbackS = inputs.lookbackHours * 3_600
  const retentionS = inputs.retentionHours * 3_600
  const registrationsPerS = inputs.openRegistrations / inputs.registrationLifetimeS

  // A stream shard takes 1/S of the events, and every registration (each goes to all shards).
  const streamByRequests = Math.ceil(inputs.eventsPerS / (atMost(LIMITS.objectRequestsPerS) - registrationsPerS))
  const streamByStorage = Math.ceil((inputs.eventsPerS * inputs.streamBytesPerEvent * lookbackS) / atMost(LIMITS.objectStorageBytes))
  const streams = Math.max(streamByRequests, streamByStorage)
  const perStream = inputs.eventsPerS / streams

  // An index shard takes 1/N of the events and of their function.finished events, and keeps them for the retention.
  const indexedPerS = 2 * inputs.eventsPerS
  const indexByRequests = Math.ceil(indexedPerS / atMost(LIMITS.objectRequestsPerS))
  const indexByStorage = Math.ceil((indexedPerS * inputs.indexBytesPerEvent * retentionS) / atMost(LIMITS.objectStorageBytes))
  const index = Math.max(indexByRequests, indexByStorage)

  // The system events (one per finished run) go through queues; users' events mostly do not.
  const queues = Math.ceil(inputs.eventsPerS / atMost(LIMITS.queueMessagesPerS))

  return [
    {
      object: `event stream shards of the name (INNGEST_STREAM_SHARDS), lookback ${inputs.lookbackHours} h`,
      count: streams,
      requestsPerS: perStream + registrationsPerS,
      storageBytes: perStream * inputs.streamBytesPerEvent * lookbackS,
      cpuMsPerS: (perStream * inputs.ingestUsPerEvent) / 1_000 + registrationsPerS * inputs.registerMs,
      bound: streamByStorage >= streamByRequests ? 'storage' : 'requests',
    },
    {
      // The system name's stream has as many shards (one setting), fed one event per finished run.
      object: 'event stream shards of inngest/function.finished (the same count), lookback 1 h',
      count: streams,
      requestsPerS: perStream,
      storageBytes: perStream * inputs.finishedBytesPerEvent * SYSTEM_LOOKBACK_S,
      cpuMsPerS: (perStream * inputs.ingestUsPerEvent) / 1_000,
      bound: 'as above',
    },
    {
      object: `event index shards (INNGEST_EVENT_INDEX_SHARDS), retention ${inputs.retentionHours} h`,
      count: index,
      requestsPerS: indexedPerS / index,
      storageBytes: (indexedPerS / index) * inputs.indexBytesPerEvent * retentionS,
      cpuMsPerS: Number.NaN,
      bound: indexByStorage >= indexByRequests ? 'storage' : 'requests',
    },
    { object: 'system-event queues (INNGEST_SYSTEM_EVENTS and INNGEST_EVENTS_n)', count: queues, requestsPerS: inputs.eventsPerS / queues, storageBytes: Number.NaN, cpuMsPerS: Number.NaN, bound: 'messages/s' },
  ]
}
