/**
 * http-executor: what a function of an app on the official SDK costs when inngest.do is its
 * server (HttpExecutor: the run calls the app over HTTP, loopback here), with the SDK's
 * checkpointing on (its default) and off, beside the worker's own function (in-process):
 * - latency: 1-step runs, send → completed;
 * - per step: runs of 100 steps in sequence, ms per step;
 * - round trips: the app counts the server's calls and its own requests to the server
 *   (executor-app.ts), read before and after each run (one run at a time, so the difference is
 *   that run's); a function with sleeps between steps gives them per suspension.
 *
 * Every run is sent as one event to `POST /e/<key>` and read back through the REST API
 * (`GET /v1/events/:id/runs`, the same read for every contender): "completed" is the first read
 * that says so, and the run's own `run_started_at`/`ended_at` (whole ms, the system clock Node
 * reads too) time it without the reads. Contenders take turns (A B C, B C A …) after warm-up.
 */
import { program } from '../program.js'
import type { AppCounts, ExecutorApp } from './executor-app-process.js'
import { HTTP_PROGRAM_EVENT } from './http-program-event.js'
import type { WranglerDev } from './wrangler-dev.js'

export type Contender = 'in-process' | 'on' | 'buffered' | 'off'
export type SyncedSetting = Exclude<Contender, 'in-process'>
export type FunctionKind = 'one-step' | 'steps' | 'sleeps'

export interface ExecutorSettings {
  /** 1-step runs timed per contender, after `warmUp` untimed ones. */
  readonly latency: { readonly runs: number; readonly warmUp: number }
  /** Runs of `steps` steps timed per contender, after `warmUp`. */
  readonly steps: { readonly steps: number; readonly runs: number; readonly warmUp: number }
  /** Runs per synced setting of `sleeps + 1` steps with a `sleep` between each two. */
  readonly sleeps: { readonly sleeps: number; readonly sleep: string; readonly runs: number }
}

export function executorSettings(smoke: boolean): ExecutorSettings {
  const scale = process.env.BENCH_SCALE ? Math.max(0.1, Number(process.env.BENCH_SCALE) || 1) : 1
  if (smoke) return { latency: { runs: 3, warmUp: 1 }, steps: { steps: 10, runs: 1, warmUp: 0 }, sleeps: { sleeps: 1, sleep: '1s', runs: 1 } }
  return {
    latency: { runs: Math.max(1, Math.round(100 * scale)), warmUp: 5 },
    steps: { steps: 100, runs: Math.max(1, Math.round(5 * scale)), warmUp: 1 },
    sleeps: { sleeps: 3, sleep: '1s', runs: 2 },
  }
}

/** One run, timed and counted. */
export interface RunFigures {
  /** ms from the send: the POST answered, the run's own ended_at (±1 ms), a read said Completed. */
  readonly acceptedMs: number
  readonly endedMs: number
  readonly completedMs: number
  /** The run's own ended_at − run_started_at (ms). */
  readonly runMs: number
  /** Synced runs: the server's calls to the app, the SDK's requests to the server by kind, and the ms the app spent answering. */
  readonly calls?: { readonly discovery: number; readonly planned: number }
  readonly sent?: Readonly<Record<string, number>>
  readonly sentStatus?: Readonly<Record<string, number>>
  readonly appMs?: number
  /** Of `appMs`, the ms the SDK waited for the server to answer its requests (checkpoint posts). */
  readonly appWaitMs?: number
}

export interface HttpExecutorResult {
  readonly settings: ExecutorSettings
  readonly sdkVersion: string
  /** Round trips of `GET /bench/ping` (Node → wrangler dev → the worker and back): one HTTP request's floor here. */
  readonly pingMs: number[]
  /** Timed runs, by function kind and contender (no in-process `sleeps`). */
  readonly runs: Record<FunctionKind, Partial<Record<Contender, RunFigures[]>>>
}

interface RunResource {
  readonly status: string
  readonly run_started_at: string | null
  readonly ended_at: string | null
}

const RUN_LIMIT_MS = 60_000
/** After each run, untimed: its effects (publishing inngest/function.finished) go out meanwhile. */
const QUIET_MS = 25
/** Between status reads: back to back for 1-step runs; longer runs are timed by their own timestamps, so their reads need not load the worker. */
const POLL_MS: Record<FunctionKind, number> = { 'one-step': 0, steps: 20, sleeps: 100 }

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function json<T>(response: Promise<Response>): Promise<T> {
  const answer = await response
  if (!answer.ok) throw new Error(`${answer.url}: HTTP ${answer.status} ${await answer.text()}`)
  return (await answer.json()) as T
}

/** The event that starts `kind` for `contender`. */
function eventFor(kind: FunctionKind, contender: Contender, settings: ExecutorSettings, label: string): { name: string; data: unknown } {
  const steps = kind === 'one-step' ? 1 : settings.steps.steps
  if (contender === 'in-process') return { name: HTTP_PROGRAM_EVENT, data: program(label, steps, { markFirstStep: true }) }
  const data = kind === 'sleeps' ? { sleeps: settings.sleeps.sleeps, sleep: settings.sleeps.sleep } : { steps }
  return { name: `bench-executor/${kind}-${contender}`, data }
}

/** `after − before` for each key of `after`. */
function difference(after: Readonly<Record<string, number>>, before: Readonly<Record<string, number>>): Record<string, number> {
  const result: Record<string, number> = {}
  for (const [key, value] of Object.entries(after)) if (value !== (before[key] ?? 0)) result[key] = value - (before[key] ?? 0)
  return result
}

function totalCalls(counts: AppCounts): { discovery: number; planned: number; handlerMs: number } {
  const sum = { discovery: 0, planned: 0, handlerMs: 0 }
  for (const entry of Object.values(counts.received)) (sum.discovery += entry.discovery), (sum.planned += entry.planned), (sum.handlerMs += entry.handlerMs)
  return sum
}

/** Sends one event, reads its run until Completed, and counts what the app saw meanwhile. */
async function measureRun(dev: WranglerDev, app: ExecutorApp, kind: FunctionKind, contender: Contender, settings: ExecutorSettings): Promise<RunFigures> {
  const label = `executor-${kind}-${contender}-${Math.random().toString(36).slice(2)}`
  const before = contender === 'in-process' ? undefined : await app.counts()
  const body = JSON.stringify(eventFor(kind, contender, settings, label))
  const sentAt = Date.now()
  const sentAtPerf = performance.now()
  const { ids } = await json<{ ids: string[] }>(fetch(`${dev.url}/e/bench`, { method: 'POST', body, headers: { 'content-type': 'application/json' } }))
  const acceptedMs = performance.now() - sentAtPerf
  const deadline = sentAtPerf + RUN_LIMIT_MS
  let run: RunResource | undefined
  for (;;) {
    run = (await json<{ data: RunResource[] }>(fetch(`${dev.url}/v1/events/${ids[0]}/runs`))).data[0]
    if (run?.status === 'Completed') break
    if (run?.status === 'Failed' || run?.status === 'Cancelled') throw new Error(`the ${kind} run (${contender}) of event ${ids[0]} ended ${run.status}: ${JSON.stringify(run).slice(0, 2_000)}`)
    if (performance.now() > deadline) throw new Error(`the ${kind} run (${contender}) of event ${ids[0]} not completed after ${RUN_LIMIT_MS} ms: ${JSON.stringify(run ?? null).slice(0, 500)}\napp: ${app.logTail()}`)
    if (POLL_MS[kind] > 0) await sleep(POLL_MS[kind])
  }
  const completedMs = performance.now() - sentAtPerf
  const [startedAt, endedAt] = [Date.parse(run.run_started_at ?? ''), Date.parse(run.ended_at ?? '')]
  const figures: RunFigures = { acceptedMs, completedMs, endedMs: endedAt - sentAt, runMs: endedAt - startedAt }
  if (contender === 'in-process') {
    await fetch(`${dev.url}/bench/marks/${label}`).then((answer) => answer.arrayBuffer()) // forgets the run's marks
    await sleep(QUIET_MS)
    return figures
  }
  await sleep(QUIET_MS)
  const after = await app.counts()
  const [callsBefore, callsAfter] = [totalCalls(before!), totalCalls(after)]
  return {
    ...figures,
    calls: { discovery: callsAfter.discovery - callsBefore.discovery, planned: callsAfter.planned - callsBefore.planned },
    appMs: callsAfter.handlerMs - callsBefore.handlerMs,
    appWaitMs: Object.values(difference(after.sentMs, before!.sentMs)).reduce((total, ms) => total + ms, 0),
    sent: difference(after.sent, before!.sent),
    sentStatus: difference(after.sentStatus, before!.sentStatus),
  }
}

/** `rounds` rounds of every contender in turn (A B C, B C A …); the first `warmUp` untimed. */
async function interleave(
  contenders: readonly Contender[],
  rounds: number,
  warmUp: number,
  measure: (contender: Contender) => Promise<RunFigures>,
): Promise<Partial<Record<Contender, RunFigures[]>>> {
  const figures: Partial<Record<Contender, RunFigures[]>> = Object.fromEntries(contenders.map((contender) => [contender, []]))
  for (let round = 0; round < warmUp + rounds; round++) {
    for (let turn = 0; turn < contenders.length; turn++) {
      const contender = contenders[(round + turn) % contenders.length]!
      const run = await measure(contender)
      if (round >= warmUp) figures[contender]!.push(run)
    }
  }
  return figures
}

/** `count` round trips of `GET /bench/ping`, one at a time, after 5 untimed. */
async function pings(dev: WranglerDev, count: number): Promise<number[]> {
  const roundTrips: number[] = []
  for (let i = 0; i < 5 + count; i++) {
    const startedAt = performance.now()
    await (await fetch(`${dev.url}/bench/ping`)).arrayBuffer()
    if (i >= 5) roundTrips.push(performance.now() - startedAt)
  }
  return roundTrips
}

/** Syncs the app (PUT to it: the SDK registers its functions with the worker), then measures. */
export async function httpExecutorScenario(dev: WranglerDev, app: ExecutorApp, settings: ExecutorSettings): Promise<HttpExecutorResult> {
  const sync = await fetch(app.url, { method: 'PUT' })
  const synced = (await sync.json()) as { message?: string }
  if (!sync.ok) throw new Error(`syncing the app failed: HTTP ${sync.status} ${JSON.stringify(synced)}\napp: ${app.logTail()}`)
  const { sdk } = (await json<{ data: Array<{ id: string; sdk: string }> }>(fetch(`${dev.url}/v1/apps`))).data.find((entry) => entry.id === 'bench-executor') ?? { sdk: '?' }
  const all: readonly Contender[] = ['in-process', 'on', 'off']
  const run = (kind: FunctionKind) => (contender: Contender) => measureRun(dev, app, kind, contender, settings)
  return {
    settings,
    sdkVersion: sdk,
    pingMs: await pings(dev, settings.latency.runs),
    runs: {
      'one-step': await interleave(all, settings.latency.runs, settings.latency.warmUp, run('one-step')),
      // bufferedSteps only changes how often a run without suspensions posts: measured there alone.
      steps: await interleave([...all, 'buffered'], settings.steps.runs, settings.steps.warmUp, run('steps')),
      sleeps: await interleave(['on', 'off'], settings.sleeps.runs, 0, run('sleeps')),
    },
  }
}
