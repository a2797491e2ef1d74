/**
 * The world of a server-protocol test: the repo's example worker under `wrangler dev` (bundled
 * once), apps on the official SDK pointed at it by the environment the README names, and REST
 * helpers bound to the worker. Dev mode: `INNGEST_DEV=<url>` alone. Signed mode: the worker has
 * `INNGEST_DEV=0` and the keys, the app `INNGEST_BASE_URL=<url>` and `INNGEST_SIGNING_KEY`.
 * Stopped by process group; the temp dir is kept when a test failed.
 */
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startOfficialApp, type OfficialApp } from './official-app-process.js'
import { serverProtocolClient, type WorkerKeys } from './server-protocol-client.js'
import { freezeWorker, repoRoot } from './wrangler-cli.js'
import { startWranglerDev, type WranglerDev } from './wrangler-dev.js'

/** A fresh signing key as Inngest formats them: `signkey-test-<hex>`. */
export const testSigningKey = (): string => `signkey-test-${randomBytes(32).toString('hex')}`

export interface ServerProtocolWorkerOptions {
  /** Signed mode with these keys (`--var INNGEST_DEV:0`, the signing and event keys); dev mode without. */
  readonly signed?: WorkerKeys
}

export interface AppOptions {
  /** The app's INNGEST_SIGNING_KEY in signed mode, when it is not the worker's (a wrong key). */
  readonly signingKey?: string
  /** Its port (an app restarted where it was synced); a free one by default. */
  readonly port?: number
  /** More environment, beside the mode's (e.g. `INNGEST_DEV: '0'`). */
  readonly env?: Readonly<Record<string, string>>
}

export interface ServerProtocolWorker {
  readonly workDir: string
  readonly dev: WranglerDev
  readonly client: ReturnType<typeof serverProtocolClient>
  /** Starts the app `appScript` (a file of harness/) pointed at the worker as its mode wants. */
  startApp(appScript: string, options?: AppOptions): Promise<OfficialApp>
  /** Kills every app it started and wrangler; removes the temp dir only if `passed`. */
  stop(passed: boolean): Promise<void>
}

export interface ServerProtocolStack extends ServerProtocolWorker {
  readonly app: OfficialApp
}

/** Starts wrangler dev with the example worker, in dev mode or signed; `label` names its temp dir and logs. */
export async function startServerProtocolWorker(label: string, options: ServerProtocolWorkerOptions = {}): Promise<ServerProtocolWorker> {
  const { signed } = options
  const workDir = await mkdtemp(join(tmpdir(), `inngest-${label}-`))
  const config = await freezeWorker(join(repoRoot, 'wrangler.toml'), workDir)
  const vars: Record<string, string> = signed ? { INNGEST_DEV: '0', INNGEST_SIGNING_KEY: signed.signingKey, INNGEST_EVENT_KEY: signed.eventKey } : {}
  const dev = await startWranglerDev({ config, persistTo: join(workDir, 'state'), vars, logFile: join(workDir, 'wrangler.log'), workDir })
  const apps: OfficialApp[] = []
  return {
    workDir,
    dev,
    client: serverProtocolClient(dev, signed),
    startApp: async (appScript, appOptions = {}) => {
      // The README's environments; `env` only for what a test adds on purpose.
      const mode: Record<string, string> = signed ? { INNGEST_BASE_URL: dev.url, INNGEST_SIGNING_KEY: appOptions.signingKey ?? signed.signingKey } : { INNGEST_DEV: dev.url }
      const env = { ...mode, ...appOptions.env }
      const logFile = join(workDir, apps.length === 0 ? 'app.log' : `app-${apps.length + 1}.log`)
      const app = await startOfficialApp(env, logFile, appScript, appOptions.port)
      apps.push(app)
      return app
    },
    stop: async (passed) => {
      for (const app of apps) await app.kill()
      await dev.kill()
      if (passed) await rm(workDir, { recursive: true, force: true })
      else console.log(`${label} test: kept ${workDir} (wrangler.log, app*.log)`)
    },
  }
}

/** Starts wrangler dev and the app `appScript` (a file of harness/), named `label` in logs. */
export async function startServerProtocolStack(appScript: string, label: string, options: ServerProtocolWorkerOptions = {}): Promise<ServerProtocolStack> {
  const worker = await startServerProtocolWorker(label, options)
  let app: OfficialApp
  try {
    app = await worker.startApp(appScript)
  } catch (error) {
    await worker.stop(false)
    throw error
  }
  return { ...worker, app }
}
