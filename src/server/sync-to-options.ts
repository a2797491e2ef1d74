/**
 * A function as the official SDK syncs it (inngest-js `types.ts functionConfigSchema`: `id`,
 * `name`, `triggers: [{ event, expression } | { cron }]`, `steps.step.{runtime.url, retries}`,
 * flow control as `createFunction` takes it, `cancel`) turned into `createFunction` options and
 * through the same validation (`normalizeFunctionConfig`), so a synced function runs on the very
 * `FunctionOptions` a worker's own function would. Pure. A config that cannot work refuses that
 * function only, with the field and the fix.
 */
import { InputError } from '../../actors/engine/input-error.js'
import type { RefusedFunction, SyncedFunction } from '../../actors/apps/synced-app.js'
import { normalizeFunctionConfig } from '../config/normalize-function-config.js'
import { isConfigObject, type ConfigObject } from '../config/config-error.js'

/** Retries of a synced function that sets none: Inngest's server default (`consts.DefaultRetryCount`). */
export const DEFAULT_SYNCED_RETRIES = 4

const FAILED_EVENT = 'inngest/function.failed'
/** The trigger the SDK gives an onFailure function: `event.data.function_id == '<composite id>'`. */
const FAILURE_EXPRESSION = /^event\.data\.function_id == '([^']+)'$/

/** Flow-control options whose sync shape is `createFunction`'s. */
const SAME_SHAPE = ['concurrency', 'throttle', 'rateLimit', 'idempotency', 'debounce', 'priority', 'batchEvents', 'singleton', 'timeouts'] as const

/** The functions of one sync, converted; each bad one refused on its own. */
export function convertSyncedFunctions(appId: string, raws: readonly unknown[]): { functions: SyncedFunction[]; refused: RefusedFunction[] } {
  const functions: SyncedFunction[] = []
  const refused: RefusedFunction[] = []
  const ids = new Set(raws.map((raw) => (isConfigObject(raw) && typeof raw.id === 'string' ? raw.id : '')))
  for (const [index, raw] of raws.entries()) {
    const converted = convertSyncedFunction(appId, raw, index, ids)
    if ('refused' in converted) refused.push(converted.refused)
    else functions.push(converted.fn)
  }
  return { functions, refused }
}

/** One function of a sync: its `FunctionOptions`, or why it is refused. `syncedIds` finds an onFailure function's parent. */
export function convertSyncedFunction(appId: string, raw: unknown, index: number, syncedIds: ReadonlySet<string>): { fn: SyncedFunction } | { refused: RefusedFunction } {
  const compositeId = isConfigObject(raw) && typeof raw.id === 'string' && raw.id !== '' ? raw.id : `functions[${index}]`
  const refuse = (error: string, field?: string, fix?: string) => ({ refused: { compositeId, error, ...(field ? { field } : {}), ...(fix ? { fix } : {}) } })
  if (!isConfigObject(raw) || typeof raw.id !== 'string' || raw.id === '') return refuse('has no id', 'id', 'sync with an official Inngest SDK (v3 or v4)')
  const url = runtimeUrl(raw)
  if (!url) return refuse('has no steps.step.runtime.url of type http', 'steps.step.runtime', 'serve the function over HTTP (Connect, runtime "ws", is not supported)')
  const slug = compositeId.startsWith(`${appId}-`) ? compositeId.slice(appId.length + 1) : compositeId
  const failureOf = parentOfFailureFunction(raw, syncedIds)
  try {
    const normalized = normalizeFunctionConfig(createFunctionOptions(raw, slug), undefined)
    const options = failureOf
      ? // Started by the failed run itself (as a worker's onFailure handler), never by routing.
        { ...normalized, triggers: [], cancelOn: [], flow: { concurrency: [] } }
      : normalized
    const name = typeof raw.name === 'string' && raw.name !== '' ? raw.name : slug
    return { fn: { compositeId, slug, name, url, options, config: raw, ...(failureOf ? { failureOf } : {}) } }
  } catch (error) {
    if (error instanceof InputError) return refuse(error.message, error.field, error.fix)
    return refuse(error instanceof Error ? error.message : String(error))
  }
}

/** The sync shape as `createFunction` options (without the handler). */
function createFunctionOptions(raw: ConfigObject, slug: string): Record<string, unknown> {
  const options: Record<string, unknown> = { id: slug, triggers: triggersOf(raw.triggers) }
  if (typeof raw.name === 'string' && raw.name !== '') options.name = raw.name
  for (const key of SAME_SHAPE) if (raw[key] !== undefined && raw[key] !== null) options[key] = raw[key]
  options.retries = retriesOf(raw)
  if (Array.isArray(raw.cancel) && raw.cancel.length > 0) options.cancelOn = raw.cancel
  return options
}

function triggersOf(raw: unknown): unknown {
  if (!Array.isArray(raw)) return raw
  return raw.map((trigger: unknown) => {
    if (!isConfigObject(trigger) || trigger.event === undefined) return trigger
    return typeof trigger.expression === 'string' && trigger.expression !== '' ? { event: trigger.event, if: trigger.expression } : { event: trigger.event }
  })
}

/** `steps.step.retries.attempts` is the SDK's `retries` (a count of retries, not of attempts). */
function retriesOf(raw: ConfigObject): unknown {
  const step = stepOf(raw)
  const retries = isConfigObject(step?.retries) ? step.retries.attempts : undefined
  return retries === undefined || retries === null ? DEFAULT_SYNCED_RETRIES : retries
}

function stepOf(raw: ConfigObject): ConfigObject | undefined {
  const steps = isConfigObject(raw.steps) ? raw.steps : undefined
  const step = steps ? (steps.step ?? Object.values(steps)[0]) : undefined
  return isConfigObject(step) ? step : undefined
}

function runtimeUrl(raw: ConfigObject): string | undefined {
  const runtime = stepOf(raw)?.runtime
  if (!isConfigObject(runtime) || (runtime.type !== undefined && runtime.type !== 'http') || typeof runtime.url !== 'string') return undefined
  try {
    const url = new URL(runtime.url)
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined
  } catch {
    return undefined
  }
}

/** The composite id whose failures `raw` handles, when it is the SDK's onFailure function for a function of the same sync. */
function parentOfFailureFunction(raw: ConfigObject, syncedIds: ReadonlySet<string>): string | undefined {
  const triggers = Array.isArray(raw.triggers) ? raw.triggers : []
  const [trigger] = triggers
  if (triggers.length !== 1 || !isConfigObject(trigger) || trigger.event !== FAILED_EVENT || typeof trigger.expression !== 'string') return undefined
  const parent = FAILURE_EXPRESSION.exec(trigger.expression)?.[1]
  return parent && syncedIds.has(parent) && raw.id === `${parent}-failure` ? parent : undefined
}
