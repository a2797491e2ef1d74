/**
 * `cancelOn` as the engine runs it: Inngest's `match: "data.x"` becomes the expression
 * `event.data.x == async.data.x`, and `timeout` milliseconds. Shapes and durations were already
 * validated, expressions compiled included (validate-flow-control.ts).
 */
import type { CancelOn } from '../../actors/engine/function-definition.js'
import { durationToMs } from '../../actors/engine/duration.js'
import { matchToIf } from '../../actors/engine/expression.js'

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
