/**
 * An app synced from the official Inngest SDK, as the app registry stores it: where it is served,
 * and each function with its config converted to the engine's `FunctionOptions` at sync time
 * (src/server/sync-to-options.ts), beside the config as the SDK sent it.
 */
import type { FunctionOptions } from '../engine/function-definition.js'

/** One function of a synced app. */
export interface SyncedFunction {
  /** `<app id>-<function id>`, as the SDK sends it and events route by. */
  readonly compositeId: string
  /** The function's own id (the composite id without the app's prefix). */
  readonly slug: string
  readonly name: string
  /** Where the executor calls it: the SDK's `steps.step.runtime.url`. */
  readonly url: string
  readonly options: FunctionOptions
  /** Set for the SDK's onFailure function (`<id>-failure`): the composite id of the function whose failures it handles. */
  readonly failureOf?: string
  /** The function's config as the SDK sent it (GET /v1/apps/:appId/functions shows it). */
  readonly config: unknown
}

/** A function the sync refused, with the reason and the fix. */
export interface RefusedFunction {
  readonly compositeId: string
  readonly error: string
  readonly field?: string
  readonly fix?: string
}

/** An app as synced last. */
export interface SyncedApp {
  /** The SDK's app id (`appName` in an out-of-band sync, `app_id` in-band). */
  readonly id: string
  readonly url: string
  readonly sdk: string | null
  readonly framework: string | null
  readonly appVersion: string | null
  /** `out_of_band` (the SDK posted to /fn/register) or `in_band` (we read the functions from its reply). */
  readonly syncKind: 'out_of_band' | 'in_band'
  readonly syncedAt: number
  readonly functions: readonly SyncedFunction[]
  readonly refused: readonly RefusedFunction[]
}

/** What a sync changed: the registry's version after it, and whether the app's functions differ from before. */
export interface SyncOutcome {
  readonly version: number
  readonly modified: boolean
}

/** Every synced app and the version they stand at (one number bumped by each sync). */
export interface SyncedAppsSnapshot {
  readonly version: number
  readonly apps: readonly SyncedApp[]
}
