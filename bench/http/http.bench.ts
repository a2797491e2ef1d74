/**
 * The scenarios measured from Node against a real `wrangler dev` serving the README's
 * configuration (bench/http/wrangler.toml, a copy of /wrangler.toml): what a user's `npm start`
 * shows. They run after the workerd scenarios (vitest.bench.config.ts) and alone with
 * `npm run bench -- -t http-latency` or `-t http-memory` (the synced app's scenario, `-t
 * http-executor`, is http-executor.bench.ts). Plain `it()`s that print and assert nothing about
 * performance.
 */
import { describe, it, onTestFinished } from 'vitest'
import { checkHttpConfig, queueConsumerSettings } from './http-config-check.js'
import { httpLatencyScenario, httpLatencyTable } from './http-latency.js'
import { httpMemoryTable, measureBurst, type HttpMemoryFigures, type MemoryContender } from './http-memory.js'
import { httpSettings } from './http-settings.js'
import { startWranglerDev, type WranglerDev } from './wrangler-dev.js'

const settings = httpSettings()
const LATENCY_TIMEOUT_MS = 600_000
// Two bursts, each allowed 15 minutes to finish (http-memory.ts), plus a minute after each.
const MEMORY_TIMEOUT_MS = 40 * 60_000
const CONFIG = 'bench/http/wrangler.toml'

/** Runs `use` against a fresh wrangler dev, killed on every way out (a timed-out test included). */
async function withWranglerDev<T>(use: (dev: WranglerDev) => Promise<T>): Promise<T> {
  const startedAt = performance.now()
  const dev = await startWranglerDev({ config: CONFIG, stateParent: settings.stateParent, readyPath: '/bench/ping' })
  onTestFinished(() => dev.stop())
  console.log(`  wrangler dev ready in ${((performance.now() - startedAt) / 1_000).toFixed(1)} s (bundle and state: ${dev.dir})`)
  try {
    return await use(dev)
  } catch (error) {
    throw new Error(`${(error as Error).message}\nwrangler dev's last output:\n${dev.logTail()}`, { cause: error })
  } finally {
    dev.stop()
  }
}

function print(table: string, startedAt: number): void {
  console.log(`\n${table}\n  scenario took ${((performance.now() - startedAt) / 1_000).toFixed(0)} s${settings.smoke ? ' (BENCH_SMOKE: small, figures mean nothing)' : ''}\n`)
}

describe('over HTTP against wrangler dev', () => {
  it('http-latency', async () => {
    const startedAt = performance.now()
    checkHttpConfig()
    const result = await withWranglerDev((dev) => httpLatencyScenario(dev, settings.latency))
    print(httpLatencyTable(result, queueConsumerSettings(CONFIG)), startedAt)
  }, LATENCY_TIMEOUT_MS)

  it('http-memory', async () => {
    const startedAt = performance.now()
    checkHttpConfig()
    const figures = {} as Record<MemoryContender, HttpMemoryFigures>
    for (const contender of ['ours', 'floor'] as const) {
      figures[contender] = await withWranglerDev((dev) => measureBurst(dev, contender, settings.memory))
    }
    print(httpMemoryTable({ settings: settings.memory, figures }), startedAt)
  }, MEMORY_TIMEOUT_MS)
})
