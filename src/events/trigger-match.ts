/**
 * Which functions an event starts: exact names and trailing wildcards (`app/*`, `app/user.*`).
 */
import type { Trigger } from '../../actors/index.js'

/** Whether `eventName` matches the trigger's event pattern. */
export function matchesEventName(pattern: string, eventName: string): boolean {
  if (pattern.endsWith('*')) return eventName.startsWith(pattern.slice(0, -1))
  return pattern === eventName
}

/** Whether any of a function's triggers starts a run for `eventName`. */
export function triggeredBy(triggers: readonly Trigger[], eventName: string): boolean {
  return triggers.some((trigger) => 'event' in trigger && matchesEventName(trigger.event, eventName))
}
