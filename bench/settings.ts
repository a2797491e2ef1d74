/**
 * How much each scenario runs. `npm run bench` uses the full settings (2–3 minutes on two
 * shared cores); `BENCH_SMOKE=1 npm run bench` runs every scenario once, small, to prove the
 * harness works (seconds). `BENCH_SCALE=2` doubles the rounds of the timed scenarios (0.5 halves).
 */
import { env } from 'cloudflare:test'
import { admissionSettings, type AdmissionSettings } from './scenarios/admission.js'
import type { ScaleSettings } from './scenarios/scale.js'

export interface Settings {
  readonly smoke: boolean
  /** Scenario 1: steps per run, and rounds (after `warmUpRounds`) for each size. */
  readonly sequential: { readonly sizes: readonly number[]; readonly rounds: (steps: number) => number; readonly warmUpRounds: number }
  /** Scenario 2: runs of 3 steps per round. */
  readonly fanOut: { readonly runs: number; readonly rounds: number; readonly warmUpRuns: number }
  /** Scenario 3: 1-step runs per contender. */
  readonly latency: { readonly runs: number; readonly warmUpRuns: number }
  /** Scenario 4: completed steps before the sleep (0 is the baseline), and rounds of each. */
  readonly resume: { readonly sizes: readonly number[]; readonly rounds: number; readonly warmUpRounds: number }
  /** Scenario 5: steps per run whose storage is measured; the padded outputs' size. */
  readonly storage: { readonly sizes: readonly number[]; readonly paddedBytes: number }
  /** The per-step breakdown: iterations of each piece. */
  readonly breakdownIterations: number
  /** Flow-control admission: runs per function one at a time, and the hot-key burst. */
  readonly admission: AdmissionSettings
  /** The scale scenario: an event stream's load (stored events, open waits) and timed batches. */
  readonly scale: ScaleSettings
}

export function benchSettings(): Settings {
  const vars = env as unknown as Record<string, string | undefined>
  const scale = vars.BENCH_SCALE ? Math.max(0.1, Number(vars.BENCH_SCALE) || 1) : 1
  const rounds = (n: number) => Math.max(1, Math.round(n * scale))
  if (vars.BENCH_SMOKE === '1') {
    return {
      smoke: true,
      sequential: { sizes: [1, 10], rounds: () => 1, warmUpRounds: 0 },
      fanOut: { runs: 20, rounds: 1, warmUpRuns: 0 },
      latency: { runs: 5, warmUpRuns: 0 },
      resume: { sizes: [0, 10], rounds: 1, warmUpRounds: 0 },
      storage: { sizes: [1, 10], paddedBytes: 1_024 },
      breakdownIterations: 100,
      admission: admissionSettings(true, scale),
      scale: { storedEvents: 2_000, openWaits: 1_000, scannedWaits: 100, batches: 3, queuedSmall: 100, queuedLarge: 2_000 },
    }
  }
  return {
    smoke: false,
    sequential: { sizes: [1, 10, 100, 1_000], rounds: (steps) => rounds(steps >= 1_000 ? 8 : steps >= 100 ? 15 : 30), warmUpRounds: 2 },
    fanOut: { runs: 1_000, rounds: rounds(5), warmUpRuns: 100 },
    latency: { runs: 200, warmUpRuns: 10 },
    resume: { sizes: [0, 10, 100, 1_000], rounds: rounds(10), warmUpRounds: 1 },
    storage: { sizes: [1, 10, 100, 1_000], paddedBytes: 1_024 },
    breakdownIterations: 2_000,
    admission: admissionSettings(false, scale),
    scale: { storedEvents: 250_000, openWaits: 100_000, scannedWaits: 1_000, batches: rounds(20), queuedSmall: 100, queuedLarge: 100_000 },
  }
}
