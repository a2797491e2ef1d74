/**
 * The bindings and variables a worker serving inngest.do has (see the README's wrangler.toml).
 */
import type { CronActor, EventIndexActor, EventStreamActor, FlowGateActor, RunActor, SlotActor } from '../actors/internal.js'
import type { QueuedEvent } from '../actors/internal.js'
import type { RunIndexActor } from '../actors/run-index/index.js'
import type { AppRegistryActor } from '../actors/apps/app-registry-actor.js'

export interface InngestEnv {
  /** One Durable Object per run. */
  readonly INNGEST_RUNS: DurableObjectNamespace<RunActor>
  /** One Durable Object per event name (or `INNGEST_STREAM_SHARDS` of them): recent events, waits and cancellations. */
  readonly INNGEST_EVENT_STREAMS: DurableObjectNamespace<EventStreamActor>
  /** Every received event by id, in `INNGEST_EVENT_INDEX_SHARDS` shards (16): durable intake, 24 h dedupe, `GET /v1/events`. */
  readonly INNGEST_EVENT_INDEX: DurableObjectNamespace<EventIndexActor>
  /** One Durable Object per (function, cron expression): the schedule, driven by its alarm. */
  readonly INNGEST_CRONS: DurableObjectNamespace<CronActor>
  /** One Durable Object per concurrency or throttle key. */
  readonly INNGEST_SLOTS: DurableObjectNamespace<SlotActor>
  /** One Durable Object per (flow option, function, key): rateLimit, idempotency, debounce, batchEvents, singleton. */
  readonly INNGEST_FLOW_GATES: DurableObjectNamespace<FlowGateActor>
  /** Carries large publishes, system events and the outbox's re-drives to the routing consumer. */
  readonly INNGEST_EVENTS: Queue<QueuedEvent>
  /** Optional: carries the runs' system events instead (more queues: `INNGEST_EVENTS_1` … `_15`, see the README). */
  readonly INNGEST_SYSTEM_EVENTS?: Queue<QueuedEvent>
  /** Optional: the run index (16 shards) the dashboard lists runs from; without it the dashboard has no run list. */
  readonly INNGEST_RUN_INDEX?: DurableObjectNamespace<RunIndexActor>
  /** Optional: a secret that signs in to the dashboard besides the signing key (outside dev mode). */
  readonly INNGEST_DASHBOARD_SECRET?: string
  /** "1" or "true": dev mode, as the Inngest dev server (no keys checked). */
  readonly INNGEST_DEV?: string
  /** Bearer key for the REST API outside dev mode. */
  readonly INNGEST_SIGNING_KEY?: string
  /** Optional: a second signing key accepted while keys rotate (apps' calls and replies). */
  readonly INNGEST_SIGNING_KEY_FALLBACK?: string
  /** Optional: the synced apps (AppRegistryActor); without it the worker serves no app built on the official SDK. */
  readonly INNGEST_APPS?: DurableObjectNamespace<AppRegistryActor>
  /** Accepted event keys for `POST /e/:key`, comma-separated. */
  readonly INNGEST_EVENT_KEY?: string
  /** Largest `POST /e/:key` body in bytes (default: the largest event plus 512 KiB). */
  readonly INNGEST_MAX_EVENT_BODY_BYTES?: string
  /** Hours the event index keeps events for `GET /v1/events` and dedupe (default 168, 7 days). */
  readonly INNGEST_EVENT_RETENTION_HOURS?: string
  /** Hours the runs' system events' streams keep them for lookback (default 1). */
  readonly INNGEST_SYSTEM_LOOKBACK_HOURS?: string
  /** Hours an event stream keeps events for waits' lookback (default 168, 7 days). */
  readonly INNGEST_LOOKBACK_HOURS?: string
  /** How many objects each event name's stream is spread over (a positive integer, default 1). Changing it: actors/events/stream-shards.ts. */
  readonly INNGEST_STREAM_SHARDS?: string
  /** While the stream shard count changes: the count before. Remove it once no wait or lookback reaches back to before the change. */
  readonly INNGEST_STREAM_SHARDS_PREVIOUS?: string
  /** Largest event in bytes, as JSON (default 3145728, 3 MiB). */
  readonly INNGEST_MAX_EVENT_BYTES?: string
  /** How many event index shards there are (a positive integer, default 16). Changing it: actors/events/README.md. */
  readonly INNGEST_EVENT_INDEX_SHARDS?: string
  /** While the shard count changes: the count before, still read and deduplicated against. Remove it after max(24 h, the retention). */
  readonly INNGEST_EVENT_INDEX_SHARDS_PREVIOUS?: string
}

export { isDevMode } from '../actors/dev-mode.js'
