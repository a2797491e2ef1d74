/**
 * Bulk cancellation in Inngest's shape (`POST /v1/cancellations`: `{ app_id, function_id,
 * started_after?, started_before, if? }`): every unfinished run of the function queued in the
 * window, optionally only those whose trigger `event` the CEL `if` matches. The window and the
 * function come from the run index; `if` needs each candidate's event, read from its run.
 */
import { compileExpression, registeredFunctions, runActorStub } from '../../actors/internal.js'
import { countIndexedRuns, listIndexedRuns, type RunIndexEntry, type RunIndexFilter } from '../../actors/run-index/index.js'
import type { InngestEnv } from '../env.js'
import { cancelRun, type Outcome } from './actions.js'
import { parseTimeField } from './format.js'
import { appOf } from './run-entries.js'

/** The request body, as Inngest's API takes it. */
export interface CancellationRequest {
  readonly app_id?: unknown
  readonly function_id?: unknown
  readonly started_after?: unknown
  readonly started_before?: unknown
  readonly if?: unknown
}

/** A request checked and resolved against the registered functions. */
export interface Cancellation {
  readonly filter: RunIndexFilter & { readonly functionId: string }
  readonly condition?: string
}

/** Most runs one bulk cancellation takes (the rest: send it again). */
export const MAX_BULK_CANCEL = 10_000
const PAGE = 500
const PARALLEL = 10

const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '')

/** Checks `request` and finds its function (`function_id` as the function's own id or its composite id). */
export function readCancellation(request: CancellationRequest): Outcome<Cancellation> {
  const [appId, functionId, after, before, condition] = [text(request.app_id), text(request.function_id), text(request.started_after), text(request.started_before), text(request.if)]
  if (!appId) return { ok: false, problem: 'app_id is required' }
  if (!functionId) return { ok: false, problem: 'function_id is required' }
  const match = registeredFunctions().find(([id, fn]) => appOf(id) === appId && (fn.options.id === functionId || id === functionId))
  if (!match) return { ok: false, problem: `app ${appId} has no function ${functionId}` }
  const to = parseTimeField(before)
  if (to === undefined) return { ok: false, problem: 'started_before is required: an ISO 8601 time' }
  const from = after ? parseTimeField(after) : undefined
  if (after && from === undefined) return { ok: false, problem: 'started_after must be an ISO 8601 time' }
  if (condition) {
    try {
      compileExpression(condition, 'if')
    } catch (error) {
      return { ok: false, problem: error instanceof Error ? error.message : String(error) }
    }
  }
  return { ok: true, value: { filter: { functionId: match[0], statuses: ['Running'], to, ...(from !== undefined ? { from } : {}) }, ...(condition ? { condition } : {}) } }
}

type IndexBinding = { readonly INNGEST_RUN_INDEX: NonNullable<InngestEnv['INNGEST_RUN_INDEX']> }

/** Runs `work` over `items`, `PARALLEL` at a time. */
async function inParallel<T, R>(items: readonly T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = []
  for (let i = 0; i < items.length; i += PARALLEL) results.push(...(await Promise.all(items.slice(i, i + PARALLEL).map(work))))
  return results
}

/** The runs the cancellation takes, at most `cap`. */
export async function matchingRuns(env: InngestEnv & IndexBinding, cancellation: Cancellation, cap = MAX_BULK_CANCEL): Promise<RunIndexEntry[]> {
  const found: RunIndexEntry[] = []
  const condition = cancellation.condition ? compileExpression(cancellation.condition, 'if') : undefined
  let before: { queuedAt: number; runId: string } | undefined
  while (found.length < cap) {
    const page = await listIndexedRuns(env, { ...cancellation.filter, limit: PAGE, ...(before ? { before } : {}) })
    const kept = condition
      ? (await inParallel(page, async (entry) => ((await runActorStub(env.INNGEST_RUNS, entry.runId).inspect()).events.some((event) => condition.matches({ event })) ? entry : null))).filter((e): e is RunIndexEntry => e !== null)
      : page
    found.push(...kept)
    if (page.length < PAGE) break
    before = { queuedAt: page.at(-1)!.queuedAt, runId: page.at(-1)!.runId }
  }
  return found.slice(0, cap)
}

/** How many runs the cancellation would take (with `if`: among the first 1,000 candidates' events). */
export async function previewCancellation(env: InngestEnv & IndexBinding, cancellation: Cancellation): Promise<number> {
  return cancellation.condition ? (await matchingRuns(env, cancellation, 1_000)).length : countIndexedRuns(env, cancellation.filter)
}

/** Cancels every run the cancellation takes; resolves with how many. */
export async function cancelMatching(env: InngestEnv & IndexBinding, cancellation: Cancellation): Promise<number> {
  const runs = await matchingRuns(env, cancellation)
  await inParallel(runs, (entry) => cancelRun(env, entry.runId))
  return runs.length
}
