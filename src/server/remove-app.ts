/**
 * Removing a synced app, for `DELETE /v1/apps/:appId` and the dashboard's Apps page alike: the
 * registry forgets it, and this isolate reloads its functions at once (the others at their next
 * version check, within a second). Its functions start no new runs; runs in flight finish as
 * they began.
 */
import { appRegistryStub } from '../../actors/apps/app-registry-actor.js'
import type { SyncedApp } from '../../actors/apps/synced-app.js'
import { ensureSyncedFunctions } from '../../actors/apps/synced-functions.js'
import type { InngestEnv } from '../env.js'

/**
 * Removes app `appId`.
 * @returns the app as it was synced last, or null when no such app is synced (or the worker has no INNGEST_APPS binding)
 */
export async function removeApp(env: InngestEnv, appId: string): Promise<SyncedApp | null> {
  if (!env.INNGEST_APPS) return null
  const removed = await appRegistryStub(env.INNGEST_APPS).remove(appId)
  if (removed) await ensureSyncedFunctions(env, { maxAgeMs: 0 })
  return removed
}
