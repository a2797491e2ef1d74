/**
 * Scenario 4, resume cost (ours only): a run records K tiny steps and goes to sleep; the
 * benchmark evicts its Durable Object (`evictDurableObject`) and fires the alarm
 * (`runDurableObjectAlarm`). The object is constructed again, restores its snapshot, reads
 * the step rows and replays the handler through K memoized steps and the sleep; the figure is
 * the time from firing the alarm until the next step's body starts.
 *
 * Cloudflare's local Workflows engine cannot take part: its Engine object lives in a separate
 * service with `preventEviction: true`, and `evictDurableObject`/`runDurableObjectAlarm` only
 * reach objects of the main worker (nor does that engine use alarms: it sleeps in memory).
 */
import { evictDurableObject, runDurableObjectAlarm } from 'cloudflare:test'
import { ulid } from 'ulid'
import { runActorStub, type RunActorRpc, type StartRunRequest } from '../../actors/internal.js'
import { benchEnv, oursDirect, ourRunDone, pollUntil, stubOf } from '../contenders.js'
import type { StorageCounts } from '../row-counter.js'
import { RESUME_FUNCTION } from '../functions.js'
import type { Settings } from '../settings.js'
import { forget, whenStepStarted } from '../signals.js'
import { fixed, medianRange, quantile, textTable } from '../stats.js'

export interface ResumeSize {
  readonly steps: number
  /** Storage calls of one resume, on the counted twin (its counter starts with the new instance). */
  counts?: StorageCounts
  /** Alarm fired → the step after the sleep starts (ms). */
  readonly nextStepMs: number[]
  /** Alarm fired → the alarm handler returned, the run completed (ms). */
  readonly alarmMs: number[]
}

export interface ResumeResult {
  readonly sizes: ResumeSize[]
}

function resumeRequest(label: string, steps: number): StartRunRequest {
  return { runId: label, functionId: RESUME_FUNCTION, events: [{ name: 'bench/resume', id: label, ts: Date.now(), data: { label, steps } }] }
}

/** Starts a run of `steps` steps and a sleep on `namespace`; resolves once it sleeps, evicted. */
async function sleepingEvicted(namespace: DurableObjectNamespace, label: string, steps: number): Promise<DurableObjectStub> {
  const stub = stubOf<RunActorRpc>(namespace, label)
  await stub.start(resumeRequest(label, steps))
  await pollUntil(() => stub.status(), (run) => run.state === 'sleeping', `run ${label} before its sleep`)
  const raw = namespace.get(namespace.idFromName(label))
  await evictDurableObject(raw)
  return raw
}

async function resumeOnce(steps: number): Promise<{ nextStepMs: number; alarmMs: number }> {
  const label = ulid()
  const stub = runActorStub(benchEnv.INNGEST_RUNS, label)
  const raw = await sleepingEvicted(benchEnv.INNGEST_RUNS as unknown as DurableObjectNamespace, label, steps)
  const firedAt = Date.now()
  const alarm = runDurableObjectAlarm(raw)
  const nextStepAt = await whenStepStarted(label)
  if (!(await alarm)) throw new Error(`run ${label} had no alarm set while sleeping`)
  const alarmMs = Date.now() - firedAt
  await pollUntil(() => stub.status(), ourRunDone, `run ${label} after its sleep`)
  await oursDirect.settle([label])
  forget(label)
  return { nextStepMs: nextStepAt - firedAt, alarmMs }
}

/** Storage calls of one resume of a run with `steps` recorded steps (the counted twin). */
async function countResume(steps: number): Promise<StorageCounts> {
  const label = ulid()
  const namespace = benchEnv.COUNTED_RUNS as unknown as DurableObjectNamespace
  const raw = await sleepingEvicted(namespace, label, steps)
  if (!(await runDurableObjectAlarm(raw))) throw new Error(`counted run ${label} had no alarm set while sleeping`)
  forget(label)
  return stubOf<{ storageCounts(): Promise<StorageCounts> }>(namespace, label).storageCounts()
}

export async function resumeScenario(settings: Settings['resume']): Promise<ResumeResult> {
  const sizes: ResumeSize[] = settings.sizes.map((steps) => ({ steps, nextStepMs: [], alarmMs: [] }))
  for (let round = 0; round < settings.warmUpRounds + settings.rounds; round++) {
    for (const size of sizes) {
      const timing = await resumeOnce(size.steps)
      if (round < settings.warmUpRounds) continue
      size.nextStepMs.push(timing.nextStepMs)
      size.alarmMs.push(timing.alarmMs)
    }
  }
  for (const size of sizes) size.counts = await countResume(size.steps)
  return { sizes }
}

/** Median ms from the alarm to the next step, for the run with `steps` recorded steps. */
export function resumeMs(result: ResumeResult, steps: number): number {
  const size = result.sizes.find((candidate) => candidate.steps === steps)
  return size ? quantile(size.nextStepMs, 0.5) : Number.NaN
}

/** Replay cost per recorded step (µs), between the smallest and each larger K (medians). */
function slopeMicros(result: ResumeResult, size: ResumeSize): number {
  const base = result.sizes[0]
  if (!base || size.steps === base.steps) return Number.NaN
  return ((quantile(size.nextStepMs, 0.5) - quantile(base.nextStepMs, 0.5)) * 1_000) / (size.steps - base.steps)
}

export function resumeTable(result: ResumeResult, oursPerStepMicros: number): string {
  const rows = result.sizes.map((size) => [
    String(size.steps),
    medianRange(size.nextStepMs),
    medianRange(size.alarmMs),
    fixed(slopeMicros(result, size), 1),
    fixed((quantile(size.nextStepMs, 0.5) * 1_000) / oursPerStepMicros, 1),
    size.counts ? String(size.counts.execs) : '',
    size.counts ? String(size.counts.rowsRead) : '',
  ])
  const rounds = result.sizes[0]?.nextStepMs.length ?? 0
  return [
    `4. Resume cost (ours only): K recorded steps, sleep, evict, fire the alarm; ms, median [p25–p75] of ${rounds} round(s)`,
    textTable(['K', 'alarm → next step starts', 'alarm → run completed', 'µs per recorded step (vs K=0)', '÷ one step (scenario 1)', 'sql execs', 'rows read'], rows),
    '  sql execs, rows read: the whole resume (construction, alarm, replay, the last step, completion), on the counted twin',
    `  one step: ours' per-step time at the largest N of scenario 1, steps alone (${fixed(oursPerStepMicros, 0)} µs). Workflows' local engine cannot be`,
    '  evicted (its Engine object is in another service, preventEviction: true) and sleeps in memory, so it has no resume figure.',
  ].join('\n')
}
