/**
 * What the dashboard does, as opposed to shows: cancel a run, rerun it (a new run of the same
 * function with the same events, as Inngest's rerun: not every function the event triggers),
 * invoke a function with data, send or replay an event. A run reports itself to the run index
 * as it starts and ends; a run the dashboard starts is also listed at once, before the redirect.
 */
import { ulid } from 'ulid'
import {
  maxEventBytes,
  prepareEvents,
  publishEvents,
  registeredFunctions,
  runActorStub,
  type EventProblem,
  type RunEventPayload,
  type RunInspection,
  type StepTimelineEntry,
} from '../../actors/internal.js'
import type { StepRow } from '../../actors/storage/step-row.js'
import { recordRunInIndex } from '../../actors/run-index/index.js'
import { CANCELLED } from '../../actors/cancellation-reasons.js'
import type { InngestEnv } from '../env.js'

/** The name of the event an invoke from the dashboard starts its run with, as Inngest's invoke. */
export const INVOKED_EVENT = 'inngest/function.invoked'

/** Cancels run `runId`; resolves with what the run reports after. */
export async function cancelRun(env: InngestEnv, runId: string): Promise<RunInspection> {
  // The run's cancellation sends its Cancelled entry to the index before `cancel` answers.
  return runActorStub(env.INNGEST_RUNS, runId).cancel(CANCELLED.dashboard)
}

/** Starts run `runId` of `functionId` with `events` (and memoized steps) and records it in the index as queued. */
async function startRun(env: InngestEnv, functionId: string, events: readonly RunEventPayload[], memo: readonly StepRow[] = []): Promise<string> {
  const runId = ulid()
  const queuedAt = Date.now()
  await runActorStub(env.INNGEST_RUNS, runId).start({ runId, functionId, events, ...(memo.length > 0 ? { memo } : {}) })
  if (env.INNGEST_RUN_INDEX) {
    const trigger = events[0]
    await recordRunInIndex({ INNGEST_RUN_INDEX: env.INNGEST_RUN_INDEX }, { runId, functionId, status: 'Running', eventId: trigger?.id ?? null, eventName: trigger?.name ?? null, queuedAt, startedAt: null, endedAt: null })
  }
  return runId
}

/** A new run of `runId`'s function with its events; resolves with the new run's id, or null when the run has none. */
export async function rerun(env: InngestEnv, runId: string): Promise<string | null> {
  const run = await runActorStub(env.INNGEST_RUNS, runId).inspect()
  const functionId = run.snapshot?.context.functionId
  if (!functionId || run.events.length === 0) return null
  return startRun(env, functionId, run.events)
}

/**
 * A new run of `runId`'s function with its events, from step `stepKey`: every step that completed
 * before it (by position) is reused as it was, so its body does not run again; the chosen step
 * and all after it run anew. Null when the run, its trigger or the step is not there.
 */
export async function rerunFromStep(env: InngestEnv, runId: string, stepKey: string): Promise<string | null> {
  const run = await runActorStub(env.INNGEST_RUNS, runId).inspect()
  const functionId = run.snapshot?.context.functionId
  const chosen = run.steps.find((step) => step.key === stepKey)
  if (!functionId || run.events.length === 0 || !chosen) return null
  const memo = run.steps.filter((step) => step.status === 'completed' && step.position < chosen.position).map(memoizedRow)
  return startRun(env, functionId, run.events, memo)
}

/** A completed step of the timeline as the row a new run starts with. */
function memoizedRow(step: StepTimelineEntry): StepRow {
  const { key, id, kind, position, concurrent, attempts, startedAt, endedAt, wakeAt, output } = step
  return { key, id, kind, position, concurrent, status: 'completed', attempts, output: JSON.stringify(output ?? null), error: null, startedAt, endedAt, wakeAt }
}

/** What sending or invoking answers: the ids made, or the problem with the input. */
export type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string }

function describeProblem({ index, field, error, fix }: EventProblem): string {
  return `event[${index}]${field ? `.${field}` : ''}: ${error}${fix ? ` (${fix})` : ''}`
}

/** Validates and publishes `input` (one event or an array, as `POST /e/:key` takes); resolves with their ids. */
export async function sendEvents(env: InngestEnv, input: unknown): Promise<Outcome<string[]>> {
  const prepared = prepareEvents(input, Date.now(), undefined, maxEventBytes(env.INNGEST_MAX_EVENT_BYTES))
  if (!prepared.ok) return { ok: false, problem: describeProblem(prepared.problem) }
  const { ids } = await publishEvents(env, prepared.events)
  return { ok: true, value: ids }
}

/** Publishes `event` again as a new event (a new id and time, same name and data). */
export async function replayEvent(env: InngestEnv, event: RunEventPayload): Promise<Outcome<string>> {
  const sent = await sendEvents(env, { name: event.name, data: event.data ?? {}, ...(event.user ? { user: event.user } : {}), ...(event.v ? { v: event.v } : {}) })
  return sent.ok ? { ok: true, value: sent.value[0]! } : sent
}

/** Starts `functionId` with `data` (an `inngest/function.invoked` event); resolves with the run id. */
export async function invokeFunction(env: InngestEnv, functionId: string, data: unknown): Promise<Outcome<string>> {
  if (!registeredFunctions().some(([id]) => id === functionId)) return { ok: false, problem: `no function ${functionId}` }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return { ok: false, problem: 'data must be a JSON object' }
  // Built here, not by prepareEvents: `inngest/` names are the runtime's own, refused from users.
  const event: RunEventPayload = { name: INVOKED_EVENT, id: ulid(), ts: Date.now(), data: data as Record<string, unknown>, user: {} }
  const limit = maxEventBytes(env.INNGEST_MAX_EVENT_BYTES)
  if (new TextEncoder().encode(JSON.stringify(event)).length > limit) return { ok: false, problem: `the data is larger than an event may be (${limit} bytes)` }
  return { ok: true, value: await startRun(env, functionId, [event]) }
}
