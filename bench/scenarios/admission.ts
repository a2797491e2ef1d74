/**
 * Flow-control admission: what a concurrency limit adds to a run start. Runs of a 1-step function
 * are started directly with the run actor's `start()` RPC (no queue, so only admission differs),
 * one at a time, interleaved: `bench-unlimited` (no flow control), `bench-limited`
 * (`concurrency: { limit: 1000 }`, never blocks here: one slot actor takes and gives back a slot
 * per pass) and `bench-keyed` (`{ limit: 1000, key: 'event.data.k' }`, a new key value per run: a
 * fresh slot actor each time). Then throughput through one hot key: N runs of `bench-hot`
 * (`{ limit: 10, key }`, every run the same key value) started at once, timed until all are
 * completed, beside N runs of `bench-unlimited`.
 */
import { ulid } from 'ulid'
import { runActorStub, type RunActorRpc } from '../../actors/internal.js'
import { benchEnv, ourRunDone, pollUntil } from '../contenders.js'
import { ADMISSION_FUNCTIONS } from '../functions.js'
import { forget, whenFinished } from '../signals.js'
import { fixed, quantile, textTable, times } from '../stats.js'
import { rotated } from './timed-run.js'

export interface AdmissionSettings {
  /** Runs per function, one at a time (after `warmUpRuns`). */
  readonly runs: number
  readonly warmUpRuns: number
  /** Runs started at once for the hot-key throughput, and rounds of it. */
  readonly burstRuns: number
  readonly burstRounds: number
}

export function admissionSettings(smoke: boolean, scale: number): AdmissionSettings {
  if (smoke) return { runs: 5, warmUpRuns: 0, burstRuns: 20, burstRounds: 1 }
  // Sized to finish reliably on this 2-core machine (300-run bursts did not, see BENCHMARKS.md).
  return { runs: 60, warmUpRuns: 5, burstRuns: 60, burstRounds: Math.max(1, Math.round(3 * scale)) }
}

type Kind = keyof typeof ADMISSION_FUNCTIONS
type LatencyKind = 'unlimited' | 'limited' | 'keyed'
type BurstKind = 'unlimited' | 'hot'

export interface AdmissionResult {
  readonly settings: AdmissionSettings
  /** Start call → completed seen in the run's status, ms. */
  readonly wallMs: Record<LatencyKind, number[]>
  /** Start of the burst → every run completed, ms, per round. */
  readonly burstMs: Record<BurstKind, number[]>
  /** Bursts that did not complete within BURST_LIMIT_MS (the scenario stops bursting then). */
  readonly stalled: BurstKind[]
}

function startRun(kind: Kind, label: string, key: string): Promise<unknown> {
  const { id, event } = ADMISSION_FUNCTIONS[kind]
  return runActorStub(benchEnv.INNGEST_RUNS, label).start({
    runId: label,
    functionId: id,
    events: [{ name: event, id: label, ts: Date.now(), data: { label, k: key } }],
  })
}

async function completed(label: string): Promise<void> {
  const stub: RunActorRpc = runActorStub(benchEnv.INNGEST_RUNS, label)
  await pollUntil(() => stub.status(), ourRunDone, `run ${label}`)
}

/** Untimed: waits until the runs performed their effects (publishing function.finished), then 5 ms of quiet. */
async function settle(labels: readonly string[]): Promise<void> {
  await Promise.all(
    labels.map((label) => {
      const stub = runActorStub(benchEnv.INNGEST_RUNS, label)
      return pollUntil(() => stub.status(), (run) => !run.effectsPending, `effects of run ${label}`)
    }),
  )
  await scheduler.wait(5)
}

/** Starts `labels` of `kind` at once; ms until every run is seen completed. */
async function timeRuns(kind: Kind, labels: readonly string[], key: (label: string) => string): Promise<number> {
  const startedAt = Date.now()
  await Promise.all(labels.map((label) => startRun(kind, label, key(label))))
  await whenFinished(...labels)
  await Promise.all(labels.map(completed))
  const wallMs = Date.now() - startedAt
  for (const label of labels) forget(label)
  await settle(labels)
  return wallMs
}

const LATENCY_KINDS: readonly LatencyKind[] = ['unlimited', 'limited', 'keyed']
const BURST_KINDS: readonly BurstKind[] = ['unlimited', 'hot']
const QUIET_AFTER_BURST_MS = 1_000
/** A burst not completed by then is reported as stalled instead of hanging the benchmark. */
const BURST_LIMIT_MS = 90_000
const STALLED = Symbol('stalled')

export async function admissionScenario(settings: AdmissionSettings): Promise<AdmissionResult> {
  const wallMs: Record<LatencyKind, number[]> = { unlimited: [], limited: [], keyed: [] }
  for (let round = 0; round < settings.warmUpRuns + settings.runs; round++) {
    for (const kind of rotated(LATENCY_KINDS, round)) {
      // keyed: a new key value per run; the others ignore the key.
      const ms = await timeRuns(kind, [ulid()], (label) => `k-${label}`)
      if (round >= settings.warmUpRuns) wallMs[kind].push(ms)
    }
  }
  const burstMs: Record<BurstKind, number[]> = { unlimited: [], hot: [] }
  const stalled: BurstKind[] = []
  bursts: for (let round = 0; round < settings.burstRounds; round++) {
    for (const kind of rotated(BURST_KINDS, round)) {
      // One key value for the whole burst, new each round so no lease of an earlier round is in the way.
      const hotKey = `hot-${ulid()}`
      const labels = Array.from({ length: settings.burstRuns }, () => ulid())
      const ms = await Promise.race([timeRuns(kind, labels, () => hotKey), scheduler.wait(BURST_LIMIT_MS).then(() => STALLED)])
      if (ms === STALLED) {
        stalled.push(kind)
        break bursts
      }
      burstMs[kind].push(ms as number)
      await scheduler.wait(QUIET_AFTER_BURST_MS)
    }
  }
  return { settings, wallMs, burstMs, stalled }
}

export function admissionRunsPerSecond(result: AdmissionResult, kind: BurstKind): number {
  return (result.settings.burstRuns * 1_000) / quantile(result.burstMs[kind], 0.5)
}

export function admissionTable(result: AdmissionResult): string {
  const { settings } = result
  const q = (kind: LatencyKind, p: number) => quantile(result.wallMs[kind], p)
  const names: Record<LatencyKind, string> = {
    unlimited: 'bench-unlimited (no flow control)',
    limited: 'bench-limited (concurrency 1000, no key)',
    keyed: 'bench-keyed (concurrency 1000, new key per run)',
  }
  const latencyRows = LATENCY_KINDS.map((kind) => [
    names[kind],
    fixed(q(kind, 0.5), 0),
    fixed(q(kind, 0.99), 0),
    fixed(quantile(result.wallMs[kind], 1), 0),
    kind === 'unlimited' ? '1.00×' : times(q(kind, 0.5) / q('unlimited', 0.5)),
    kind === 'unlimited' ? '1.00×' : times(q(kind, 0.99) / q('unlimited', 0.99)),
  ])
  const burstNames: Record<BurstKind, string> = { unlimited: 'bench-unlimited', hot: 'bench-hot (concurrency 10, one key)' }
  const burstRows = BURST_KINDS.map((kind) => {
    const walls = result.burstMs[kind]
    if (walls.length === 0) return [burstNames[kind], result.stalled.includes(kind) ? `not completed in ${BURST_LIMIT_MS / 1_000} s` : '–', '–']
    return [burstNames[kind], `${fixed(quantile(walls, 0.5), 0)} [${fixed(Math.min(...walls), 0)}–${fixed(Math.max(...walls), 0)}]`, fixed(admissionRunsPerSecond(result, kind), 0)]
  })
  const mean = (kind: LatencyKind) => result.wallMs[kind].reduce((sum, ms) => sum + ms, 0) / result.wallMs[kind].length
  return [
    `Flow-control admission: ${settings.runs} runs per function of one tiny step, start() RPC (no queue) → completed, one at a time, interleaved; ms`,
    textTable(['function', 'p50', 'p99', 'max', 'p50 / unlimited', 'p99 / unlimited'], latencyRows),
    `  means (the 1 ms clock makes medians stick to a tick): unlimited ${fixed(mean('unlimited'), 2)}, limited ${fixed(mean('limited'), 2)} (${times(mean('limited') / mean('unlimited'))}), keyed ${fixed(mean('keyed'), 2)} (${times(mean('keyed') / mean('unlimited'))})`,
    `One hot key: ${settings.burstRuns} runs started at once (start() RPCs), until every run is completed (${settings.burstRounds} round(s), interleaved)`,
    textTable(['function', 'wall ms median [min–max]', 'runs/s'], burstRows),
    `  hot key / unlimited runs/s: ${times(admissionRunsPerSecond(result, 'hot') / admissionRunsPerSecond(result, 'unlimited'))}`,
    ...(result.stalled.length > 0 ? [`  STALLED: a burst of ${result.stalled.join(', ')} did not complete within ${BURST_LIMIT_MS / 1_000} s; the remaining bursts were skipped`] : []),
  ].join('\n')
}
