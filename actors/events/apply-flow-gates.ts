/**
 * The event-side flow gates, applied per triggered function when an event is routed (and to
 * each cron tick, by the cron actor), in
 * Inngest's order (its runner: batch, else rate limit, then the scheduler's debounce, then
 * singleton when the run is created):
 *
 * 1. `batchEvents`: an event that passes the batch's `if` (or has none) joins its key's batch and
 *    the batch gate starts the run later; one that fails it (false, or an error) runs on its own,
 *    at once, as Inngest's docs say ("batching will be skipped for this event").
 * 2. `idempotency`, else `rateLimit` (lossy): a skipped event is recorded as a Skipped run.
 * 3. `debounce` (deferred): the debounce gate starts the run with the last event.
 * 4. `singleton`, then the run starts (startFlowRun). Debounce and batch runs pass it too.
 *
 * Every step is idempotent by event id (the gates remember their answers) or by derived run id.
 */
import { IDEMPOTENCY_PERIOD_MS } from '../../machines/index.js'
import type { RunEventPayload } from '../engine/executor.js'
import { compileExpression } from '../engine/expression.js'
import type { RunnableFunction } from '../engine/function-definition.js'
import { deriveRunId } from '../engine/run-id.js'
import { flowGateFor, type FlowGateEnv } from '../flow-gate-rpc.js'
import { startFlowRun } from '../flow-gate-start.js'
import { runActorStub } from '../run-actor.js'

/** What flow control did with one event for one function. */
export type GateOutcome =
  | { readonly kind: 'started'; readonly runId: string }
  | { readonly kind: 'skipped'; readonly runId: string; readonly reason: 'rateLimit' | 'idempotency' | 'singleton' }
  | { readonly kind: 'deferred'; readonly gate: 'debounce' | 'batch' }

/** Routes `event` to `functionId` through its flow gates; see the order above. */
export async function applyFlowGates(event: RunEventPayload, functionId: string, fn: RunnableFunction, env: FlowGateEnv): Promise<GateOutcome> {
  const flow = fn.options.flow
  const batch = flow?.batchEvents
  if (batch && (batch.if === undefined || compileExpression(batch.if, 'batchEvents.if').matches({ event }))) {
    const gate = await flowGateFor(env.INNGEST_FLOW_GATES, 'batch', functionId, batch.key, event)
    await gate.batch({ functionId, event, maxSize: batch.maxSize, timeoutMs: batch.timeoutMs })
    return { kind: 'deferred', gate: 'batch' }
  }
  const runId = await deriveRunId(event.id, functionId, event.ts)
  // Idempotency is a rate limit of 1 per key per 24 h and replaces rateLimit, as on Inngest's server.
  const lossy = flow?.idempotency !== undefined
    ? { kind: 'idempotency' as const, key: flow.idempotency, limit: 1, periodMs: IDEMPOTENCY_PERIOD_MS }
    : flow?.rateLimit && { kind: 'rateLimit' as const, ...flow.rateLimit }
  if (lossy) {
    const gate = await flowGateFor(env.INNGEST_FLOW_GATES, lossy.kind, functionId, lossy.key, event)
    const outcome = await gate.admit({ kind: lossy.kind, functionId, eventId: event.id, limit: lossy.limit, periodMs: lossy.periodMs })
    if (outcome === 'skipped') {
      await runActorStub(env.INNGEST_RUNS, runId).start({ runId, functionId, events: [event], skip: lossy.kind })
      return { kind: 'skipped', runId, reason: lossy.kind }
    }
  }
  const debounce = flow?.debounce
  if (debounce) {
    const gate = await flowGateFor(env.INNGEST_FLOW_GATES, 'debounce', functionId, debounce.key, event)
    await gate.debounce({ functionId, event, periodMs: debounce.periodMs, ...(debounce.timeoutMs === undefined ? {} : { timeoutMs: debounce.timeoutMs }) })
    return { kind: 'deferred', gate: 'debounce' }
  }
  const verdict = await startFlowRun(env, functionId, runId, [event])
  return verdict === 'skip' ? { kind: 'skipped', runId, reason: 'singleton' } : { kind: 'started', runId }
}
