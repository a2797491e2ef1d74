/**
 * http-executor, in the http project (vitest.bench.config.ts) beside http.bench.ts: a fresh
 * `wrangler dev` serving bench/http/wrangler.toml and the official-SDK app of executor-app.ts in
 * its own Node process, both killed on every way out. Alone: `npm run bench -- -t http-executor`.
 * A plain `it()` that prints and asserts nothing about performance.
 */
import { describe, it, onTestFinished } from 'vitest'
import { startExecutorApp } from './executor-app-process.js'
import { checkHttpConfig } from './http-config-check.js'
import { executorSettings, httpExecutorScenario } from './http-executor.js'
import { httpExecutorTable } from './http-executor-table.js'
import { httpSettings } from './http-settings.js'
import { startWranglerDev } from './wrangler-dev.js'

const { smoke, stateParent } = httpSettings()
const TIMEOUT_MS = 15 * 60_000

describe('over HTTP against wrangler dev, an app on the official SDK', () => {
  it('http-executor', async () => {
    const startedAt = performance.now()
    checkHttpConfig()
    const dev = await startWranglerDev({ config: 'bench/http/wrangler.toml', stateParent, readyPath: '/bench/ping' })
    onTestFinished(() => dev.stop())
    const app = await startExecutorApp(dev.url)
    onTestFinished(() => app.stop())
    console.log(`  wrangler dev and the app ready in ${((performance.now() - startedAt) / 1_000).toFixed(1)} s (bundle and state: ${dev.dir})`)
    let table: string
    try {
      table = httpExecutorTable(await httpExecutorScenario(dev, app, executorSettings(smoke)))
    } catch (error) {
      throw new Error(`${(error as Error).message}\nwrangler dev's last output:\n${dev.logTail()}\nthe app's last output:\n${app.logTail()}`, { cause: error })
    } finally {
      await app.stop()
      dev.stop()
    }
    console.log(`\n${table}\n  scenario took ${((performance.now() - startedAt) / 1_000).toFixed(0)} s${smoke ? ' (BENCH_SMOKE: small, figures mean nothing)' : ''}\n`)
  }, TIMEOUT_MS)
})
