/**
 * Which functions an event starts: exact names and trailing wildcards (`app/*`, `app/user.*`),
 * filtered by each trigger's CEL `if` (compiled once per source, at createFunction).
 */
import type { RunEventPayload } from '../engine/executor.js'
import { compileExpression } from '../engine/expression.js'
import type { Trigger } from '../engine/function-definition.js'

/** Whether `eventName` matches the trigger's event pattern. */
export function matchesEventName(pattern: string, eventName: string): boolean {
  if (pattern.endsWith('*')) return eventName.startsWith(pattern.slice(0, -1))
  return pattern === eventName
}

/** Whether any of a function's triggers names `eventName` (ignoring `if`). */
export function namedBy(triggers: readonly Trigger[], eventName: string): boolean {
  return triggers.some((trigger) => 'event' in trigger && matchesEventName(trigger.event, eventName))
}

/** Whether any of a function's triggers starts a run for `event`, its `if` included. */
export function triggeredBy(triggers: readonly Trigger[], event: RunEventPayload): boolean {
  return triggers.some(
    (trigger) =>
      'event' in trigger &&
      matchesEventName(trigger.event, event.name) &&
      (trigger.if === undefined || compileExpression(trigger.if, 'if').matches({ event })),
  )
}
