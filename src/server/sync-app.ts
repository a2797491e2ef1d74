/**
 * A sync, whichever way it came: the register body an SDK posts to `/fn/register` (out of band)
 * or the one it answers an in-band `PUT` with. Converts each function, refuses those that cannot
 * run here (bad config, an id the worker's own code holds), stores the app, loads it into this
 * isolate's registry and arms its cron schedules.
 */
import { appRegistryStub } from '../../actors/apps/app-registry-actor.js'
import type { RefusedFunction, SyncedApp } from '../../actors/apps/synced-app.js'
import { ensureSyncedFunctions, heldByWorkerCode } from '../../actors/apps/synced-functions.js'
import { cronActorStub } from '../../actors/internal.js'
import type { InngestEnv } from '../env.js'
import { convertSyncedFunctions } from './sync-to-options.js'

/** How a sync ended, in the shape the SDK reads (`{ status, error, modified, skipped }`) plus what was synced. */
export interface SyncReply {
  readonly status: number
  readonly ok: boolean
  readonly modified: boolean
  /** The SDK shows this as the sync's message. */
  readonly error?: string
  readonly app_id?: string
  readonly functions?: readonly string[]
  readonly refused?: readonly RefusedFunction[]
}

/** A register body, whichever sync kind carried it (in-band names the app `app_id`, out-of-band `appName`). */
export interface RegisterBody {
  readonly url?: unknown
  readonly appName?: unknown
  readonly app_id?: unknown
  readonly functions?: unknown
  readonly sdk?: unknown
  readonly framework?: unknown
  readonly appVersion?: unknown
}

const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null)

/** Validates, converts, stores and loads one app's sync. */
export async function syncApp(env: InngestEnv, body: RegisterBody, syncKind: SyncedApp['syncKind'], now = Date.now()): Promise<SyncReply> {
  const namespace = env.INNGEST_APPS
  if (!namespace) return refusal(500, 'this worker has no INNGEST_APPS binding: bind the AppRegistryActor class to serve apps built on the official SDK (README, "Use inngest.do as your Inngest server")')
  const appId = text(body.appName) ?? text(body.app_id)
  if (!appId) return refusal(400, 'the register body names no app (appName or app_id)')
  const url = text(body.url)
  if (!url || !URL.canParse(url)) return refusal(400, `app ${appId}: the register body has no valid url`)
  if (!Array.isArray(body.functions)) return refusal(400, `app ${appId}: the register body has no functions array`)
  // Which ids the worker's own code holds is known once this isolate has the synced apps.
  await ensureSyncedFunctions(env)
  const converted = convertSyncedFunctions(appId, body.functions)
  const functions = converted.functions.filter((fn) => !heldByWorkerCode(fn.compositeId))
  const refused = [
    ...converted.refused,
    ...converted.functions
      .filter((fn) => heldByWorkerCode(fn.compositeId))
      .map((fn) => ({ compositeId: fn.compositeId, error: `the id ${fn.compositeId} belongs to a function of this worker's own code`, field: 'id', fix: 'rename the function or the app so the composite id "<app id>-<function id>" is free' })),
  ]
  const app: SyncedApp = { id: appId, url, sdk: text(body.sdk), framework: text(body.framework), appVersion: text(body.appVersion), syncKind, syncedAt: now, functions, refused }
  const { modified } = await appRegistryStub(namespace).sync(app)
  await ensureSyncedFunctions(env, { maxAgeMs: 0 })
  await armCrons(env, app)
  const ids = functions.map((fn) => fn.compositeId)
  if (refused.length === 0) return { status: 200, ok: true, modified, app_id: appId, functions: ids, refused }
  const reasons = refused.map((fn) => `${fn.compositeId}: ${fn.error}${fn.fix ? ` (fix: ${fn.fix})` : ''}`).join('; ')
  return { status: 400, ok: false, modified, app_id: appId, functions: ids, refused, error: `app ${appId}: synced ${ids.length} function(s), refused ${refused.length}: ${reasons}` }
}

function refusal(status: number, error: string): SyncReply {
  return { status, ok: false, modified: false, error }
}

/** Arms the schedule of each cron trigger (arming an armed schedule changes nothing). */
async function armCrons(env: InngestEnv, app: SyncedApp): Promise<void> {
  const crons = app.functions.flatMap((fn) => fn.options.triggers.flatMap((trigger) => ('cron' in trigger ? [[fn.compositeId, trigger.cron] as const] : [])))
  await Promise.all(crons.map(([id, expression]) => cronActorStub(env.INNGEST_CRONS, id, expression).arm(id, expression)))
}
