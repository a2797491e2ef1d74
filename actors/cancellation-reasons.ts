/**
 * Why a run was cancelled: the text its error message carries (`context.error.message`, the
 * REST API's `error`, `inngest/function.cancelled`). One table, so every canceller words the
 * same cause the same way. The texts are persisted in snapshots and matched by apps and tests:
 * change one only as a compatibility change.
 */
export const CANCELLED = {
  /** `DELETE /v1/runs/:id`, or `cancel()` without a reason. */
  api: 'Cancelled via API',
  /** The dashboard's cancel button. */
  dashboard: 'cancelled from the dashboard',
  /** A `cancelOn` event matched the run. */
  byEvent: (name: string, id: string) => `Cancelled by event ${name} (${id})`,
  /** `singleton` in `cancel` mode: a new run of the same key took this one's place. */
  singleton: 'singleton',
  /** `timeouts.start`: the run was still queued at its deadline. */
  startTimeout: 'timeouts.start: the run waited too long to start',
  /** `timeouts.finish`: the run was still going at its deadline. */
  finishTimeout: 'timeouts.finish: the run took too long to finish',
} as const
