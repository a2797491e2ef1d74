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
import { StreamStore, type WaitRegistration, type StreamMatch } from './storage/stream-store.js'

export type { StreamMatch, WaitRegistration } from './storage/stream-store.js'

/** Whether `candidate` satisfies a registration (no expression: any event of the name). */
function satisfies(registration: Pick<WaitRegistration, 'expression' | 'trigger' | 'sinceTs' | 'expiresAt'>, candidate: RunEventPayload): boolean {
  if (candidate.ts < registration.sinceTs || candidate.ts > registration.expiresAt) return false
  if (!registration.expression) return true
  return compileExpression(registration.expression, 'if').matches({ event: registration.trigger, async: candidate })
}

export class EventStreamActor extends DurableObject {
  private store!: StreamStore

  constructor(ctx: DurableObjectState, env: unknown) {
    super(ctx, env as never)
    void ctx.blockConcurrencyWhile(async () => {
      this.store = new StreamStore(ctx.storage)
    })
  }

  /**
   * Records `event` and returns the waits and cancellations it resolves. Redelivery of the same
   * event returns the same matches (so a consumer that crashed half-way can finish the job).
   */
  ingest(event: RunEventPayload): StreamMatch[] {
    const now = Date.now()
    return this.store.transaction(() => {
      this.store.prune(now)
      this.store.appendEvent(event, now)
      const consumed = new Map<string, boolean>()
      const alreadyUsed = (runId: string) => consumed.get(runId) ?? this.store.consumedBy(runId).has(event.id)
      for (const open of this.store.openRegistrations()) {
        // A wait takes an event only if no other wait of its run took it (a cancellation always can).
        if (open.kind === 'wait' && alreadyUsed(open.runId)) continue
        if (!satisfies(open, event)) continue
        this.store.resolve(open.runId, open.stepKey, event.id)
        if (open.kind === 'wait') consumed.set(open.runId, true)
      }
      return this.store.resolvedBy(event.id)
    })
  }

  /**
   * Registers a wait or cancellation. If a matching event already arrived since the run
   * started (the race Inngest users lose, inngest/inngest#1433), it resolves at once and the
   * event is returned. Idempotent: registering again returns the same answer.
   */
  register(registration: WaitRegistration): RunEventPayload | null {
    return this.store.transaction(() => {
      const existing = this.store.registration(registration.runId, registration.stepKey)
      if (existing) return existing.resolvedBy ? this.store.event(existing.resolvedBy) : null
      const consumed = registration.kind === 'wait' ? this.store.consumedBy(registration.runId) : new Set<string>()
      const early = this.store.eventsSince(registration.sinceTs).find((event) => !consumed.has(event.id) && satisfies(registration, event))
      this.store.insertRegistration(registration, early?.id ?? null)
      return early ?? null
    })
  }

  /** The run stopped waiting at `stepKey` (timeout): close it, releasing a raced-in event. */
  close(runId: string, stepKey: string): void {
    this.store.close(runId, stepKey)
  }

  /** Drops a finished run's registrations. */
  forget(runId: string): void {
    this.store.forget(runId)
  }
}

/** The stream actor of event `name`. */
export function eventStreamStub(namespace: DurableObjectNamespace<EventStreamActor>, name: string): EventStreamRpc {
  return namespace.get(namespace.idFromName(`stream:${name}`)) as unknown as EventStreamRpc
}

/** The stream actor's RPC surface as callers see it. */
export interface EventStreamRpc {
  ingest(event: RunEventPayload): Promise<StreamMatch[]>
  register(registration: WaitRegistration): Promise<RunEventPayload | null>
  close(runId: string, stepKey: string): Promise<void>
  forget(runId: string): Promise<void>
}
