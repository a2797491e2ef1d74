/**
 * What the run index (the dashboard's list of runs) keeps about a run: small, so listing 100,000
 * runs stays cheap; every detail is read from the run's own object. A run sends one entry when it
 * starts and one when it ends (`index` effects), so an entry never sits on a run's step path.
 */

/** Inngest's run statuses, as the index lists them. */
export type IndexedRunStatus = 'Running' | 'Completed' | 'Failed' | 'Cancelled' | 'Skipped'

export interface RunIndexEntry {
  readonly runId: string
  /** Composite function id, `${appId}-${functionId}`. */
  readonly functionId: string
  readonly status: IndexedRunStatus
  /** The (first) trigger event's id and name; null for a run without one. */
  readonly eventId: string | null
  readonly eventName: string | null
  /** Epoch ms. */
  readonly queuedAt: number
  readonly startedAt: number | null
  readonly endedAt: number | null
  /** The object hosting the run when it is not `INNGEST_RUNS` by run id (an embedding Durable Object). */
  readonly host?: { readonly binding: string; readonly name: string }
}
