/**
 * `cancelOn` as the engine runs it: Inngest's `match: "data.x"` becomes the expression
 * `event.data.x == async.data.x`, and `timeout` milliseconds. Shapes and durations were already
 * validated, expressions compiled included (validate-flow-control.ts).
 */
import type { CancelOn } from '../../actors/engine/function-definition.js'
import { durationToMs } from '../../actors/engine/duration.js'
import { matchToIf } from '../../actors/engine/expression.js'
import { asEventType } from '../event-type.js'
import { isConfigObject, type ConfigObject } from './config-error.js'

/**
 * The config with each `cancelOn` event given as an `eventType(…)` (as the official v4 SDK
 * allows) replaced by its name, before anything checks it. Anything else is left for the checks.
 */
export function withCancelOnNames(config: ConfigObject): ConfigObject {
  if (!Array.isArray(config.cancelOn)) return config
  const cancelOn = config.cancelOn.map((entry: unknown) => {
    const typed = isConfigObject(entry) ? asEventType(entry.event) : undefined
    return typed ? { ...(entry as ConfigObject), event: typed.name } : entry
  })
  return { ...config, cancelOn }
}

interface RawCancelOn {
  event: string
  if?: string
  match?: string
  timeout?: number | string
}

export function normalizeCancelOn(raw: unknown): CancelOn[] {
  if (!Array.isArray(raw)) return []
  return (raw as RawCancelOn[]).map((entry, index) => {
    const source = entry.if ?? (entry.match === undefined ? undefined : matchToIf(entry.match))
    return {
      event: entry.event,
      ...(source === undefined ? {} : { if: source }),
      ...(entry.timeout === undefined ? {} : { timeoutMs: durationToMs(entry.timeout, `cancelOn[${index}].timeout`) }),
    }
  })
}
