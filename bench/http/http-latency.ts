/**
 * http-latency: events sent one at a time over HTTP (`POST /e/<key>`, as a webhook sends them)
 * to a `wrangler dev` serving the README's configuration, each starting a run of a 1-step
 * function. Per event: send → the step body starts (its own stamp), send → the run's status,
 * read over HTTP back to back, says Completed.
 *
 * Clocks: the step body stamps workerd's `Date.now()` (whole ms, real time) and the send is
 * stamped with Node's; both read the same system clock, so their difference is good to ±1 ms.
 * workerd's clock stands still while code runs without I/O, so stamps taken in one turn (the
 * step, the handler's return and `ended_at` of a 1-step run) are equal: the turn's start.
 * The completion is seen by a status read, so it includes up to one read's round trip, and the
 * reads can only start once the POST has answered with the event's id: for attribution, the
 * run's own `ended_at` is read afterwards (untimed) from `GET /v1/events/:id/runs`.
 */
import { program } from '../program.js'
import { fixed, quantile, textTable } from '../stats.js'
import { HTTP_PROGRAM_EVENT } from './http-program-event.js'
import type { HttpSettings } from './http-settings.js'
import type { WranglerDev } from './wrangler-dev.js'

export interface HttpLatencyResult {
  readonly events: number
  /**
   * Per event, ms from the send: the POST answered, the step body began, the handler returned,
   * the run's own `ended_at` (read afterwards from `GET /v1/events/:id/runs`), a status read said Completed.
   */
  readonly acceptedMs: number[]
  readonly firstStepMs: number[]
  readonly handlerDoneMs: number[]
  readonly endedMs: number[]
  readonly completedMs: number[]
  /** Every status read's round trip (ms), and the reads each event took. */
  readonly readMs: number[]
  readonly readsPerEvent: number[]
}

/** The targets for this scenario. */
export const HTTP_LATENCY_TARGETS = { firstStepP50: 20, completedP50: 50, completedP99: 250 }

const RUN_LIMIT_MS = 30_000
/** After each run, untimed: its effects performed (publishing inngest/function.finished), then this quiet gap. */
const QUIET_MS = 5

interface RunStatus {
  readonly status: string
  readonly effectsPending: boolean
}

async function json<T>(response: Promise<Response>): Promise<T> {
  const answer = await response
  if (!answer.ok) throw new Error(`${answer.url}: HTTP ${answer.status} ${await answer.text()}`)
  return (await answer.json()) as T
}

/** Reads the run of `eventId` until `done`; returns each read's round trip. */
async function readUntil(dev: WranglerDev, eventId: string, done: (run: RunStatus) => boolean): Promise<number[]> {
  const roundTrips: number[] = []
  const deadline = performance.now() + RUN_LIMIT_MS
  for (;;) {
    const startedAt = performance.now()
    const run = await json<RunStatus>(fetch(`${dev.url}/bench/run/${eventId}`))
    roundTrips.push(performance.now() - startedAt)
    if (run.status === 'Failed' || run.status === 'Cancelled') throw new Error(`run of event ${eventId} ended ${run.status}`)
    if (done(run)) return roundTrips
    if (performance.now() > deadline) throw new Error(`run of event ${eventId} not done after ${RUN_LIMIT_MS} ms: ${JSON.stringify(run)}`)
  }
}

export async function httpLatencyScenario(dev: WranglerDev, settings: HttpSettings['latency']): Promise<HttpLatencyResult> {
  const result: HttpLatencyResult = { events: settings.events, acceptedMs: [], firstStepMs: [], handlerDoneMs: [], endedMs: [], completedMs: [], readMs: [], readsPerEvent: [] }
  for (let i = 0; i < settings.warmUp + settings.events; i++) {
    const label = `latency-${i}-${Math.random().toString(36).slice(2)}`
    const body = JSON.stringify({ name: HTTP_PROGRAM_EVENT, data: program(label, 1, { markFirstStep: true }) })
    const sentAt = Date.now()
    const sentAtPerf = performance.now()
    const { ids } = await json<{ ids: string[] }>(fetch(`${dev.url}/e/bench`, { method: 'POST', body, headers: { 'content-type': 'application/json' } }))
    const acceptedMs = performance.now() - sentAtPerf
    const reads = await readUntil(dev, ids[0]!, (run) => run.status === 'Completed')
    const completedMs = performance.now() - sentAtPerf
    const marks = await json<{ firstStepAt: number; handlerDoneAt: number }>(fetch(`${dev.url}/bench/marks/${label}`))
    const runs = await json<{ data: { ended_at: string }[] }>(fetch(`${dev.url}/v1/events/${ids[0]}/runs`))
    await readUntil(dev, ids[0]!, (run) => !run.effectsPending)
    await new Promise((resolve) => setTimeout(resolve, QUIET_MS))
    if (i < settings.warmUp) continue
    result.acceptedMs.push(acceptedMs)
    result.firstStepMs.push(marks.firstStepAt - sentAt)
    result.handlerDoneMs.push(marks.handlerDoneAt - sentAt)
    result.endedMs.push(Date.parse(runs.data[0]!.ended_at) - sentAt)
    result.completedMs.push(completedMs)
    result.readMs.push(...reads)
    result.readsPerEvent.push(reads.length)
  }
  return result
}

export function httpLatencyTable(result: HttpLatencyResult, consumer: string): string {
  const row = (figure: string, values: number[]) => [figure, fixed(quantile(values, 0.5), 1), fixed(quantile(values, 0.99), 1), fixed(quantile(values, 1), 1)]
  const { firstStepP50, completedP50, completedP99 } = HTTP_LATENCY_TARGETS
  const p = (values: number[], q: number) => quantile(values, q)
  const verdict = (figure: number, target: number) => [`${fixed(figure, 1)} ms`, `≤ ${target} ms`, figure <= target ? 'met' : 'MISSED']
  return [
    `http-latency: ${result.events} events one at a time, POST /e/<key> → wrangler dev with the README's configuration, 1-step runs; ms`,
    `  queue consumer (as /wrangler.toml): ${consumer}`,
    textTable(
      ['from the send to', 'p50', 'p99', 'max'],
      [
        row('the POST answered', result.acceptedMs),
        row('the step body starts (its stamp, ±1 ms)', result.firstStepMs),
        row('the handler returned (its stamp, ±1 ms)', result.handlerDoneMs),
        row("the run's own ended_at (±1 ms)", result.endedMs),
        row('a status read says Completed', result.completedMs),
      ],
    ),
    `  status reads (GET /bench/run/:eventId, back to back): round trip p50 ${fixed(p(result.readMs, 0.5), 1)} ms, p99 ${fixed(p(result.readMs, 0.99), 1)} ms; ${fixed(p(result.readsPerEvent, 0.5), 0)} reads per event (median)`,
    '',
    'Targets (http-latency)',
    textTable(
      ['target', 'figure', 'target', 'verdict'],
      [
        ['send → first step, p50', ...verdict(p(result.firstStepMs, 0.5), firstStepP50)],
        ['send → completed, p50', ...verdict(p(result.completedMs, 0.5), completedP50)],
        ['send → completed, p99', ...verdict(p(result.completedMs, 0.99), completedP99)],
      ],
      1,
    ),
  ].join('\n')
}
