/**
 * The event stream actor: one Durable Object per event name. It keeps the recent events of that
 * name in arrival order and the waits (`step.waitForEvent`) and cancellations (`cancelOn`)
 * registered against it. Registering and ingesting happen in the same single-threaded object,
 * so an event is either seen by a registered wait or found by the wait's lookback: never missed.
 * An event resolves at most one wait of a run (loops of waits take events in turn).
 */
import { DurableObject } from 'cloudflare:workers'
import type { RunEventPayload } from './engine/executor.js'
import { compileExpression } from './engine/expression.js'
import { findStoredEvent, type EventIndexEnv } from './event-index-stub.js'
import { SYSTEM_EVENT_NAMES } from './events/system-event-names.js'
import { eventRetentionMs } from './storage/event-index-store.js'
import { CONFLICT, lookbackRetentionMs, NeedPayloads, StreamStore, SYSTEM_STREAM_RETENTION_MS, type OpenRegistration, type RecordedEvent, type WaitRegistration, type StreamMatch } from './storage/stream-store.js'

export type { RecordedEvent, RunAddress, StreamMatch, WaitRegistration } from './storage/stream-store.js'

/** An event a closed registration released, and the run's other wait it resolves instead. */
export interface Reoffer {
  readonly event: RunEventPayload
  readonly match: StreamMatch
}

const USES_TRIGGER = /\bevent\b/

/** Whether `candidate` satisfies a registration (no expression: any event of the name). */
function satisfies(registration: Pick<OpenRegistration, 'expression' | 'trigger' | 'sinceTs' | 'expiresAt'>, candidate: RunEventPayload): boolean {
  if (candidate.ts < registration.sinceTs || candidate.ts > registration.expiresAt) return false
  if (!registration.expression) return true
  // The trigger is parsed only for conditions that read it.
  const trigger = USES_TRIGGER.test(registration.expression) ? registration.trigger() : undefined
  return compileExpression(registration.expression, 'if').matches({ event: trigger, async: candidate })
}

/** The answer to an exclusive registration another run's open wait refuses: first of any shard's finds. */
function conflictFor(registration: WaitRegistration): RecordedEvent {
  return { event: { name: registration.event, id: CONFLICT, ts: Date.now(), data: { conflict: true }, user: {} }, receivedAt: Number.NEGATIVE_INFINITY }
}

/** What a stream reads of the worker's settings and bindings. */
export interface EventStreamEnv extends Partial<EventIndexEnv> {
  readonly INNGEST_LOOKBACK_HOURS?: string
  readonly INNGEST_SYSTEM_LOOKBACK_HOURS?: string
  readonly INNGEST_EVENT_RETENTION_HOURS?: string
}

/** Rounds of fetching slim rows' payloads one call may take (each brings a page's worth). */
const MAX_FETCH_ROUNDS = 50

export class EventStreamActor extends DurableObject {
  private store!: StreamStore

  /** How long a system event's stream keeps events (the others: the store's retention). */
  private readonly systemRetentionMs: number
  private readonly retentionMs: number
  /** How long the event index keeps events: a stream keeping them no longer may leave large payloads there. */
  private readonly indexRetentionMs: number

  /** The bindings and settings (the index, to fetch slim rows' payloads). */
  private readonly settings: EventStreamEnv

  constructor(ctx: DurableObjectState, env: EventStreamEnv) {
    super(ctx, env as never)
    this.settings = env
    this.systemRetentionMs = lookbackRetentionMs(env.INNGEST_SYSTEM_LOOKBACK_HOURS, SYSTEM_STREAM_RETENTION_MS)
    this.retentionMs = lookbackRetentionMs(env.INNGEST_LOOKBACK_HOURS)
    this.indexRetentionMs = eventRetentionMs(env.INNGEST_EVENT_RETENTION_HOURS)
    void ctx.blockConcurrencyWhile(async () => {
      this.store = new StreamStore(ctx.storage, this.retentionMs)
    })
  }

  /**
   * Whether this stream records large events slim (their payload stays in the event index only):
   * when the index is bound and keeps events at least as long as this stream looks back.
   */
  private slim(system: boolean): boolean {
    return this.settings.INNGEST_EVENT_INDEX !== undefined && this.indexRetentionMs >= (system ? this.systemRetentionMs : this.retentionMs)
  }

  /**
   * Runs `work` (a transaction reading stored events), fetching from the event index the payloads
   * of the slim rows it reaches and running it again, until it has all it needs: it rolls back
   * each time it stops short, so what it finally writes saw every event stored by then.
   */
  private async withPayloads<T>(work: () => T): Promise<T> {
    try {
      for (let round = 0; ; round++) {
        try {
          return work()
        } catch (error) {
          if (!(error instanceof NeedPayloads) || round >= MAX_FETCH_ROUNDS || !this.settings.INNGEST_EVENT_INDEX) throw error
          const found = await Promise.all(error.ids.map((id) => findStoredEvent(this.settings as EventIndexEnv, id)))
          // An event the index no longer has counts as gone (its lookback window is over).
          error.ids.forEach((id, index) => this.store.fetched.set(id, found[index]?.event ?? null))
        }
      }
    } finally {
      this.store.fetched.clear()
    }
  }

  /**
   * Records `event` and returns the waits and cancellations it resolves. Redelivery of the same
   * event returns the same matches (so a consumer that crashed half-way can finish the job).
   */
  ingest(event: RunEventPayload): StreamMatch[] {
    return this.ingestAll([event])[0]!
  }

  /**
   * Records `events` in order, as one transaction, and returns what each resolves: `result[i]`
   * holds the matches of `events[i]`, exactly as `ingest` called on each in turn would return
   * them. The queue consumer sends a batch's events of this name in one call.
   */
  ingestAll(events: readonly RunEventPayload[]): StreamMatch[][] {
    if (events.length === 0) return []
    const now = Date.now()
    return this.store.transaction(() => {
      // Pruning keeps pace with appends however large the batch.
      // One stream per name: the batch's first event says whose stream this is.
      this.store.prune(now, events.length, SYSTEM_EVENT_NAMES.has(events[0]!.name) ? this.systemRetentionMs : undefined)
      // Read once: within this transaction resolving only closes registrations, never opens one.
      const anyOpen = this.store.hasOpenRegistrations()
      const slim = this.slim(SYSTEM_EVENT_NAMES.has(events[0]!.name))
      return events.map((event) => {
        this.store.appendEvent(event, now, slim)
        // Candidates only: the registrations filed under this event's values, and the unindexed.
        if (anyOpen) this.resolveWith(event, this.store.candidatesFor(event))
        return this.store.resolvedBy(event.id)
      })
    })
  }

  /** Resolves the registrations among `candidates` that `event` satisfies. */
  private resolveWith(event: RunEventPayload, candidates: readonly OpenRegistration[]): void {
    const consumed = new Map<string, boolean>()
    // A redelivered event may already have resolved one of the run's waits.
    const alreadyUsed = (runId: string) => consumed.get(runId) ?? this.store.consumedBy(runId).has(event.id)
    for (const registration of candidates) {
      if (!satisfies(registration, event)) continue
      // A wait takes an event only if no other wait of its run took it (a cancellation always can).
      if (registration.kind === 'wait' && alreadyUsed(registration.runId)) continue
      this.store.resolve(registration.runId, registration.stepKey, event.id)
      if (registration.kind === 'wait') consumed.set(registration.runId, true)
    }
  }

  /**
   * Registers a wait or cancellation. If a matching event already arrived since the run
   * started (the race Inngest users lose, inngest/inngest#1433), it resolves at once and the
   * event is returned. Idempotent: registering again returns the same answer.
   */
  async register(registration: WaitRegistration): Promise<RunEventPayload | null> {
    return (await this.registerFinding(registration))?.event ?? null
  }

  /** As `register`, with when the event found arrived: a sharded stream takes the earliest of its shards' finds. */
  registerFinding(registration: WaitRegistration): Promise<RecordedEvent | null> {
    return this.withPayloads(() => this.store.transaction(() => {
      const existing = this.store.registration(registration.runId, registration.stepKey)
      if (existing?.resolvedBy === CONFLICT) return conflictFor(registration)
      if (existing) return existing.resolvedBy ? this.store.recorded(existing.resolvedBy) : null
      if (registration.exclusive && this.store.hasOtherOpenWait(registration.runId, Date.now())) {
        // Answered at once, with the conflict in place of an event: the waiting step fails.
        this.store.insertRegistration(registration, CONFLICT)
        return conflictFor(registration)
      }
      const consumed = registration.kind === 'wait' ? this.store.consumedBy(registration.runId) : new Set<string>()
      const open = { ...registration, trigger: () => registration.trigger }
      const early = this.store.findSince(registration.sinceTs, (event) => !consumed.has(event.id) && satisfies(open, event))
      this.store.insertRegistration(registration, early?.event.id ?? null)
      return early ?? null
    }))
  }

  /**
   * The run is done with its registration at `stepKey` here: it timed out, or it took `keep`
   * (an event of this or another shard). The registration closes unless `keep` resolved it; an
   * event it held that the run did not take goes back to the run's other open waits here (it
   * resolves at most one wait of a run, and this one never had it).
   * @returns the wait that event resolves instead, if any: the caller delivers it.
   */
  close(runId: string, stepKey: string, keep?: string): Promise<Reoffer | null> {
    return this.withPayloads(() => this.store.transaction(() => {
      const held = this.store.registration(runId, stepKey)?.resolvedBy ?? null
      if (keep !== undefined && held === keep) return null
      this.store.close(runId, stepKey)
      const event = held === null ? null : this.store.event(held)
      if (!event) return null
      const consumed = this.store.consumedBy(runId)
      if (consumed.has(event.id)) return null
      const next = this.store.openWaitsOf(runId).find((registration) => satisfies(registration, event))
      if (!next) return null
      this.store.resolve(runId, next.stepKey, event.id)
      return { event, match: { kind: 'wait', runId, stepKey: next.stepKey, ...(next.host ? { host: next.host } : {}) } }
    }))
  }

  /** Drops a finished run's registrations. */
  forget(runId: string): void {
    this.store.forget(runId)
  }
}
