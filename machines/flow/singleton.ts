/**
 * Singleton (`singleton: { key?, mode }`) for one key: at most one active run. A new run is
 * skipped while another is active (`skip`), or the active run is cancelled and the new one
 * starts (`cancel`). Only the active run's own finish frees the key, so a cancelled run that
 * reports late never frees its successor's place.
 */

/** What to do with a second run. */
export type SingletonMode = 'skip' | 'cancel'

/** A singleton key's persisted state: plain JSON. */
export interface SingletonState {
  readonly activeRunId: string | null
}

/** The verdict for an arriving run. */
export type SingletonVerdict =
  | { readonly type: 'start' }
  | { readonly type: 'skip'; readonly activeRunId: string }
  | { readonly type: 'cancel-then-start'; readonly previous: string }

/** No active run. */
export function emptySingleton(): SingletonState {
  return { activeRunId: null }
}

/**
 * A run arrives. With no active run, or when it is the active run already (a redelivery), it
 * starts; otherwise `mode` decides. After `start` or `cancel-then-start` it is the active run.
 */
export function arriveSingleton(state: SingletonState, runId: string, mode: SingletonMode): { readonly state: SingletonState; readonly verdict: SingletonVerdict } {
  const active = state.activeRunId
  if (active === null || active === runId) return { state: active === runId ? state : { activeRunId: runId }, verdict: { type: 'start' } }
  if (mode === 'skip') return { state, verdict: { type: 'skip', activeRunId: active } }
  return { state: { activeRunId: runId }, verdict: { type: 'cancel-then-start', previous: active } }
}

/** A run ended (completed, failed or cancelled): frees the key only if it was the active run. */
export function finishSingleton(state: SingletonState, runId: string): SingletonState {
  return state.activeRunId === runId ? { activeRunId: null } : state
}
