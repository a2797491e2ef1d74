/**
 * The http-executor scenario's report: latency and per-step cost beside the in-process function,
 * the HTTP round trips the app counted, and the round-trip targets for checkpointing.
 */
import { fixed, medianRange, quantile, textTable, times } from '../stats.js'
import type { Contender, FunctionKind, HttpExecutorResult, RunFigures, SyncedSetting } from './http-executor.js'

/** The targets with checkpointing on: server→app calls per suspension and per step of a 100-step run without sleeps. */
export const HTTP_EXECUTOR_TARGETS = { callsPerSuspension: 1, roundTripsPerStep: 0.1 }

const CONTENDER_NAMES: Record<Contender, string> = {
  'in-process': "in-process (the worker's own)",
  on: 'synced, checkpointing on',
  buffered: 'synced, bufferedSteps: 10',
  off: 'synced, checkpointing off',
}
const SDK_KINDS = (sent: Readonly<Record<string, number>> = {}) => Object.entries(sent).filter(([kind]) => kind !== 'register' && !kind.startsWith('register '))

/** `n word`, with an s unless n is 1. */
const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`
const median = (values: readonly number[]) => quantile(values, 0.5)
const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0)
const calls = (run: RunFigures) => (run.calls ? run.calls.discovery + run.calls.planned : 0)
const posts = (run: RunFigures) => sum(SDK_KINDS(run.sent).filter(([kind]) => kind.startsWith('checkpoint')).map(([, n]) => n))
const requests = (run: RunFigures) => sum(SDK_KINDS(run.sent).map(([, n]) => n))

function latencyTable(runs: Partial<Record<Contender, RunFigures[]>>): string {
  const rows = Object.entries(runs).map(([contender, figures]) => {
    const p = (pick: (run: RunFigures) => number, q: number) => fixed(quantile(figures.map(pick), q), 1)
    return [CONTENDER_NAMES[contender as Contender], p((run) => run.acceptedMs, 0.5), p((run) => run.endedMs, 0.5), p((run) => run.endedMs, 0.99), p((run) => run.completedMs, 0.5), p((run) => run.completedMs, 0.99), p((run) => run.completedMs, 1)]
  })
  return textTable(['contender', 'POST answered p50', "run's ended_at p50", 'p99', 'a read says Completed p50', 'p99', 'max'], rows)
}

function perStepTable(runs: Partial<Record<Contender, RunFigures[]>>, steps: number): string {
  const inProcess = median((runs['in-process'] ?? []).map((run) => run.runMs / steps))
  const rows = Object.entries(runs).map(([contender, figures]) => {
    const perStep = figures.map((run) => run.runMs / steps)
    const synced = contender !== 'in-process'
    const app = (pick: (run: RunFigures) => number) => (synced ? fixed(median(figures.map((run) => pick(run) / steps)), 2) : '–')
    return [
      CONTENDER_NAMES[contender as Contender],
      medianRange(perStep, 2),
      synced ? times(median(perStep) / inProcess) : '1.00×',
      fixed(median(figures.map((run) => run.completedMs / steps)), 2),
      app((run) => run.appMs ?? 0),
      app((run) => run.appWaitMs ?? 0),
    ]
  })
  return textTable(
    ['contender', "run's own (ended_at − started_at) / steps, median [p25–p75]", '÷ in-process', 'send → a read says Completed, / steps', 'the app answering calls', 'of which waiting for its posts'],
    rows,
  )
}

interface RoundTripRow {
  readonly kind: FunctionKind
  readonly setting: SyncedSetting
  readonly steps: number
  readonly suspensions: number
  readonly calls: number
  readonly discovery: number
  readonly posts: number
  readonly requests: number
}

function roundTripRows(result: HttpExecutorResult): RoundTripRow[] {
  const { settings } = result
  const shape: Record<FunctionKind, { steps: number; suspensions: number }> = {
    'one-step': { steps: 1, suspensions: 0 },
    steps: { steps: settings.steps.steps, suspensions: 0 },
    sleeps: { steps: settings.sleeps.sleeps + 1, suspensions: settings.sleeps.sleeps },
  }
  return (['one-step', 'steps', 'sleeps'] as const).flatMap((kind) =>
    (['on', 'buffered', 'off'] as const).flatMap((setting) => {
      const runs = result.runs[kind][setting] ?? []
      if (runs.length === 0) return []
      return {
        kind,
        setting,
        ...shape[kind],
        calls: median(runs.map(calls)),
        discovery: median(runs.map((run) => run.calls?.discovery ?? 0)),
        posts: median(runs.map(posts)),
        requests: median(runs.map(requests)),
      }
    }),
  )
}

/** "(calls − 1) / suspensions": the calls a suspension costs beyond the run's first call. */
const callsPerSuspension = (row: RoundTripRow) => (row.suspensions === 0 ? Number.NaN : (row.calls - 1) / row.suspensions)

function roundTripTable(rows: readonly RoundTripRow[]): string {
  const name = (row: RoundTripRow) => (row.kind === 'one-step' ? '1 step' : row.kind === 'steps' ? count(row.steps, 'step') : `${count(row.steps, 'step')}, ${count(row.suspensions, 'sleep')}`)
  return textTable(
    ['function', 'checkpointing', 'server→app calls (discovery + planned)', 'app→server checkpoint posts', 'other app→server', 'calls / step', 'round trips / step', '(calls − 1) / suspension'],
    rows.map((row) => [
      name(row),
      row.setting,
      `${fixed(row.calls, 0)} (${fixed(row.discovery, 0)} + ${fixed(row.calls - row.discovery, 0)})`,
      fixed(row.posts, 0),
      fixed(row.requests - row.posts, 0),
      fixed(row.calls / row.steps, 2),
      fixed((row.calls + row.requests) / row.steps, 2),
      fixed(callsPerSuspension(row), 2),
    ]),
    2,
  )
}

/** Every SDK request to the server in the scenario, by kind and status, per setting: what the server answered. */
function sentSummary(result: HttpExecutorResult, setting: SyncedSetting): string {
  const totals: Record<string, number> = {}
  for (const kind of ['one-step', 'steps', 'sleeps'] as const) {
    for (const run of result.runs[kind][setting] ?? []) for (const [key, n] of SDK_KINDS(run.sentStatus)) totals[key] = (totals[key] ?? 0) + n
  }
  const entries = Object.entries(totals)
  return entries.length === 0 ? 'none' : entries.map(([key, n]) => `${key} ×${n}`).join(', ')
}

export function httpExecutorTable(result: HttpExecutorResult): string {
  const { settings } = result
  const rows = roundTripRows(result)
  const on = (kind: FunctionKind) => rows.find((row) => row.kind === kind && row.setting === 'on')!
  const checkpointed = rows.some((row) => row.setting === 'on' && row.posts > 0)
  const verdict = (figure: number, target: number) => [fixed(figure, 2), `≤ ${target}`, !Number.isFinite(figure) ? '–' : figure <= target ? 'met' : 'MISSED']
  const { callsPerSuspension: suspensionTarget, roundTripsPerStep } = HTTP_EXECUTOR_TARGETS
  const steps = on('steps')
  const buffered = rows.find((row) => row.kind === 'steps' && row.setting === 'buffered')!
  return [
    `http-executor: an app on the official SDK (${result.sdkVersion}, inngest/node, its own Node process) synced to wrangler dev with the README's configuration, over loopback,`,
    `  beside the worker's own function (in-process); checkpointing on = the SDK's default, off = \`checkpointing: false\`. One run at a time; ms.`,
    `  one HTTP round trip to wrangler dev (GET /bench/ping, one at a time): p50 ${fixed(median(result.pingMs), 1)} ms, p99 ${fixed(quantile(result.pingMs, 0.99), 1)} ms`,
    '',
    `Latency: ${count(settings.latency.runs, '1-step run')} per contender (after ${settings.latency.warmUp} untimed), from the send (POST /e/<key>) to`,
    latencyTable(result.runs['one-step']),
    '',
    `Per step: ${count(settings.steps.runs, 'run')} of ${settings.steps.steps} steps in sequence per contender (after ${settings.steps.warmUp} untimed); ms per step`,
    perStepTable(result.runs.steps, settings.steps.steps),
    "  the run's own timestamps are whole ms; in-process, workerd's clock stands still while code runs without I/O, so steps run in one pass take",
    '  no time on it (their CPU cost: the workerd scenario 1). The app columns: ms per step it spent answering the server\'s calls, and of that, waiting',
    "  for the server to answer the SDK's own requests (checkpoint posts).",
    '',
    `HTTP round trips per run (median), counted by the app; the sleeps run sleeps ${settings.sleeps.sleep} between steps (${count(settings.sleeps.runs, 'run')} per setting)`,
    roundTripTable(rows),
    `  round trips = server→app calls + the SDK's requests to the server. The SDK's requests, by answer: on: ${sentSummary(result, 'on')}; bufferedSteps 10: ${sentSummary(result, 'buffered')}; off: ${sentSummary(result, 'off')}`,
    checkpointed
      ? '  Checkpointing was active: the SDK posted steps to /v1/checkpoint/:runId/async (its default bufferedSteps: 1 posts after every step).'
      : '  Checkpointing did not happen: the SDK posted no checkpoint, so "on" ran as "off" (the SDK checkpoints only when the server\'s call carries ctx.fn_id).',
    '',
    'Targets (http-executor, checkpointing on)',
    textTable(
      ['target', 'figure', 'target', 'verdict'],
      [
        [`${steps.steps}-step run: server→app calls per step`, ...verdict(steps.calls / steps.steps, roundTripsPerStep)],
        [`${steps.steps}-step run: all round trips per step (with the SDK's posts)`, ...verdict((steps.calls + steps.requests) / steps.steps, roundTripsPerStep)],
        [`${steps.steps}-step run: all round trips per step, the app setting bufferedSteps: 10`, ...verdict((buffered.calls + buffered.requests) / buffered.steps, roundTripsPerStep)],
        ['sleeps run: server→app calls per suspension (after the first)', ...verdict(callsPerSuspension(on('sleeps')), suspensionTarget)],
      ],
      1,
    ),
  ].join('\n')
}
