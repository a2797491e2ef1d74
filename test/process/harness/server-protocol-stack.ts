/**
 * The world of a server-protocol test: the repo's example worker under `wrangler dev` (dev mode,
 * bundled once), an app on the official SDK pointed at it by `INNGEST_DEV` alone, and REST
 * helpers bound to the worker. Stopped by process group; the temp dir is kept when a test failed.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startOfficialApp, type OfficialApp } from './official-app-process.js'
import { serverProtocolClient } from './server-protocol-client.js'
import { freezeWorker, repoRoot } from './wrangler-cli.js'
import { startWranglerDev, type WranglerDev } from './wrangler-dev.js'

export interface ServerProtocolStack {
  readonly workDir: string
  readonly dev: WranglerDev
  readonly app: OfficialApp
  readonly client: ReturnType<typeof serverProtocolClient>
  /** Kills the app and wrangler; removes the temp dir only if `passed`. */
  stop(passed: boolean): Promise<void>
}

/** Starts wrangler dev and the app `appScript` (a file of harness/), named `label` in logs. */
export async function startServerProtocolStack(appScript: string, label: string): Promise<ServerProtocolStack> {
  const workDir = await mkdtemp(join(tmpdir(), `inngest-${label}-`))
  const config = await freezeWorker(join(repoRoot, 'wrangler.toml'), workDir)
  const dev = await startWranglerDev({ config, persistTo: join(workDir, 'state'), vars: {}, logFile: join(workDir, 'wrangler.log'), workDir })
  let app: OfficialApp
  try {
    app = await startOfficialApp({ INNGEST_DEV: dev.url }, join(workDir, 'app.log'), appScript)
  } catch (error) {
    await dev.kill()
    throw error
  }
  return {
    workDir,
    dev,
    app,
    client: serverProtocolClient(dev),
    stop: async (passed) => {
      await app.kill()
      await dev.kill()
      if (passed) await rm(workDir, { recursive: true, force: true })
      else console.log(`${label} test: kept ${workDir} (wrangler.log, app.log)`)
    },
  }
}
