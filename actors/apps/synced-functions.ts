/**
 * Synced apps' functions in this isolate's function registry, so events route to them and run
 * actors find them like any function of the worker. Loaded from the app registry object and
 * kept per isolate: a caller checks the registry's version (one small RPC) at most once per
 * `maxAgeMs`, and loads the apps again only when it moved.
 *
 * A function a later sync dropped, or whose app was removed (`DELETE /v1/apps/:appId`), stays
 * registered without triggers: no event starts it, and a run in flight still finds it (with the
 * URL it started with) and finishes.
 */
import { isDevMode } from '../dev-mode.js'
import { DEFAULT_LIMITS, type RunnableFunction } from '../engine/function-definition.js'
import { HttpExecutor } from '../engine/http-executor/http-executor.js'
import { failureHandlerId, findFunction, registerFunctions, type FunctionOrigin, type Registration } from '../registry.js'
import { appRegistryStub, type AppRegistryEnv } from './app-registry-actor.js'
import type { SyncedApp, SyncedFunction } from './synced-app.js'

/** What loading synced functions reads of the worker's env. */
export interface SyncedFunctionsEnv extends AppRegistryEnv {
  readonly INNGEST_DEV?: string
  readonly INNGEST_SIGNING_KEY?: string
  readonly INNGEST_SIGNING_KEY_FALLBACK?: string
}

/** Marks a registration as a synced function's: registering it again (a resync) replaces it. */
const SYNCED_DEFINITION = 'inngest.do/synced-app-function'

/** How often, at most, an isolate asks the registry for its version by default. */
export const DEFAULT_MAX_AGE_MS = 1_000

let loaded: { version: number; checkedAt: number } | undefined
/** Composite ids this isolate registered from synced apps, with the origin each was registered with. */
const registeredHere = new Map<string, FunctionOrigin>()
/** The functions registered from synced apps: an onFailure function is found by its synced id (`<id>-failure`), registered under another (`<id>:failure`). */
const syncedRunnables = new WeakSet<RunnableFunction>()
/** Functions a resync dropped (or whose app was removed), kept only for the runs in flight. */
const retiredRunnables = new WeakSet<RunnableFunction>()
/** Test seam: how executors reach apps (an app served in the same isolate); `fetch` when unset. */
let appFetch: typeof fetch | undefined

/** How this worker reaches apps: `fetch`, or the stand-in a test set (`useAppFetch`). */
export function appFetcher(): typeof fetch {
  return appFetch ?? ((request, init) => fetch(request, init))
}

/** Lets tests reach apps without a network (undefined: back to `fetch`). Reloads on the next call. */
export function useAppFetch(fetcher: typeof fetch | undefined): void {
  appFetch = fetcher
  loaded = undefined
}

/**
 * Makes sure the synced apps' functions are in this isolate's registry. Cheap when nothing
 * changed: no call at all within `maxAgeMs` of the last check, else one version read.
 * A worker without the `INNGEST_APPS` binding has no synced apps.
 * @example
 * ```ts
 * await ensureSyncedFunctions(env) // before findFunction / registeredFunctions
 * ```
 */
export async function ensureSyncedFunctions(env: SyncedFunctionsEnv, { maxAgeMs = DEFAULT_MAX_AGE_MS }: { maxAgeMs?: number } = {}): Promise<void> {
  const namespace = env.INNGEST_APPS
  if (!namespace) return
  const now = Date.now()
  if (loaded && now - loaded.checkedAt < maxAgeMs) return
  const registry = appRegistryStub(namespace)
  const version = await registry.version()
  if (loaded && loaded.version === version) {
    loaded.checkedAt = now
    return
  }
  const snapshot = await registry.snapshot()
  registerSyncedApps(snapshot.apps, env)
  loaded = { version: snapshot.version, checkedAt: now }
}

/** Whether `fn` is a synced function its app no longer has: it finishes its runs in flight, and starts none (not even by `step.invoke`). */
export function isRetiredSyncedFunction(fn: RunnableFunction): boolean {
  return retiredRunnables.has(fn)
}

/** Whether `compositeId` is taken by a function of this worker's code (not by a synced app). */
export function heldByWorkerCode(compositeId: string): boolean {
  const fn = findFunction(compositeId)
  return fn !== undefined && !syncedRunnables.has(fn)
}

/** Registers every function of `apps`; those no longer synced lose their triggers. */
export function registerSyncedApps(apps: readonly SyncedApp[], env: SyncedFunctionsEnv): void {
  const current = new Set<string>()
  for (const app of apps) {
    for (const fn of app.functions) {
      const id = fn.failureOf ? failureHandlerId(fn.failureOf) : fn.compositeId
      current.add(id)
      registerOne({ id, fn: runnable(fn, env), origin: { appId: app.id, functionId: fn.slug, definition: SYNCED_DEFINITION, ...(fn.failureOf ? { generated: 'onFailure' as const } : {}) } })
    }
  }
  for (const [id, origin] of registeredHere) {
    if (current.has(id)) continue
    const fn = findFunction(id)
    // Under the origin it was registered with: the registry takes it as the same function.
    if (!fn || retiredRunnables.has(fn)) continue
    const retired: RunnableFunction = { ...fn, options: { ...fn.options, triggers: [] } }
    retiredRunnables.add(retired)
    registerOne({ id, fn: retired, origin })
  }
}

function registerOne(registration: Registration & { readonly origin: FunctionOrigin }): void {
  try {
    registerFunctions([registration])
    registeredHere.set(registration.id, registration.origin)
    syncedRunnables.add(registration.fn)
  } catch (error) {
    // The worker's own function holds the id (the sync refuses that; an older sync may not have).
    console.error(`inngest.do: synced function ${registration.id} of app ${registration.origin.appId} was not registered:`, (error as Error).message)
  }
}

function runnable(fn: SyncedFunction, env: SyncedFunctionsEnv): RunnableFunction {
  const { options } = fn
  const signed = !isDevMode(env)
  const executor = new HttpExecutor({
    url: fn.url,
    functionId: fn.compositeId,
    maxAttempts: options.retry.attempts,
    maxStepOutputBytes: options.limits?.maxStepOutputBytes ?? DEFAULT_LIMITS.maxStepOutputBytes,
    ...(signed && env.INNGEST_SIGNING_KEY ? { signingKey: env.INNGEST_SIGNING_KEY } : {}),
    ...(signed && env.INNGEST_SIGNING_KEY_FALLBACK ? { signingKeyFallback: env.INNGEST_SIGNING_KEY_FALLBACK } : {}),
    ...(appFetch ? { fetch: appFetch } : {}),
  })
  return {
    options,
    handler: () => {
      throw new Error(`${fn.compositeId} runs in its app at ${fn.url}, never in this worker`)
    },
    executor,
  }
}
