/**
 * Event validation lives in actors/events/prepare-events.ts (pure, so actors use it too); this
 * re-export keeps the SDK's imports short.
 */
export { MAX_EVENT_BYTES, prepareEvents } from '../../actors/events/prepare-events.js'
export type { EventProblem, PreparedEvents } from '../../actors/events/prepare-events.js'
