/**
 * How much the HTTP scenarios run, from the same variables as the workerd scenarios
 * (bench/settings.ts): BENCH_SMOKE=1 runs each small, to prove the harness works (figures mean
 * nothing); BENCH_SCALE scales the latency scenario's events. They run in Node, so they read
 * `process.env`.
 */

export interface HttpSettings {
  readonly smoke: boolean
  /** Disk directory for wrangler dev's state (vitest.bench.config.ts passes the temp directory as it was). */
  readonly stateParent: string
  /** http-latency: events timed, after `warmUp` untimed ones. */
  readonly latency: { readonly events: number; readonly warmUp: number }
  /** http-memory: runs in the burst, runs per request, and how long after the burst the last figure is read. */
  readonly memory: { readonly runs: number; readonly perRequest: number; readonly afterMs: number }
}

export function httpSettings(): HttpSettings {
  const scale = process.env.BENCH_SCALE ? Math.max(0.1, Number(process.env.BENCH_SCALE) || 1) : 1
  const stateParent = process.env.BENCH_HTTP_TMPDIR ?? '/tmp'
  if (process.env.BENCH_SMOKE === '1') {
    return { smoke: true, stateParent, latency: { events: 5, warmUp: 1 }, memory: { runs: 300, perRequest: 100, afterMs: 5_000 } }
  }
  return {
    smoke: false,
    stateParent,
    latency: { events: Math.max(1, Math.round(200 * scale)), warmUp: 10 },
    memory: { runs: 10_000, perRequest: 100, afterMs: 60_000 },
  }
}
