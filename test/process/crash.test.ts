/**
 * Crash test of the whole process (see README.md): `wrangler dev` serving test/process/worker.ts
 * is SIGKILLed as a process group during event intake and again mid-run, restarted on the same
 * --persist-to directory each time; then every event acknowledged with 200 must have exactly one
 * Completed run with the expected output, and no step body may have run again without a kill
 * after its previous execution started. CRASH_EVENTS=500 for a bigger run.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { configDrift } from './harness/config-check.js'
import { crashProblems, repeatedExecutions, STEPS } from './harness/crash-report.js'
import { allFinished, plannedEvents, positiveInteger, seconds } from './harness/crash-knobs.js'
import { mapPool, runsOf, sendEvents, type RunResource, type SentEvent } from './harness/event-client.js'
import { startStepCounter, type StepCounter } from './harness/step-counter.js'
import { freezeWorker } from './harness/wrangler-cli.js'
import { startWranglerDev, type WranglerDev } from './harness/wrangler-dev.js'

const EVENTS = positiveInteger('CRASH_EVENTS', 40)
/** How long the last lifetime has to finish every acknowledged run. */
const DEADLINE_MS = positiveInteger('CRASH_DEADLINE_MS', 90_000 + 100 * Math.max(0, EVENTS - 100))
/** Requests in flight at once, as webhooks arriving together. */
const CONCURRENCY = 8
/** After the kill mid-run: how long to wait for runs to have started, at most. */
const MID_RUN_WAIT_MS = 20_000
const TERMINAL = new Set(['Completed', 'Failed', 'Cancelled', 'Skipped'])

const here = (path: string) => resolve(dirname(fileURLToPath(import.meta.url)), path)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('wrangler dev killed with SIGKILL', () => {
  let workDir: string
  /** test/process/wrangler.toml pointing at the worker bundled once: every lifetime runs the same code. */
  let frozenConfig: string
  let counter: StepCounter | undefined
  let dev: WranglerDev | undefined
  let life = 0
  let passed = false

  /** Starts the next lifetime on the same persist dir; its step bodies report as that lifetime. */
  async function nextLife(): Promise<{ dev: WranglerDev; readyMs: number }> {
    life++
    const startedAt = Date.now()
    dev = await startWranglerDev({ config: frozenConfig, persistTo: join(workDir, 'state'), vars: { COUNTER_URL: `${counter!.url}/life/${life}` }, logFile: join(workDir, 'wrangler.log'), workDir })
    return { dev, readyMs: Date.now() - startedAt }
  }

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'inngest-crash-'))
    counter = await startStepCounter()
    frozenConfig = await freezeWorker(here('./wrangler.toml'), workDir)
  })

  afterAll(async () => {
    try {
      await dev?.kill()
    } finally {
      await counter?.close()
      if (passed && !process.env.CRASH_KEEP) await rm(workDir, { recursive: true, force: true })
      else console.log(`crash test: kept ${workDir} (wrangler.log: every lifetime's output; state/: the persisted Durable Objects)`)
    }
  })

  it('keeps its wrangler.toml in step with /wrangler.toml (bindings, queue producer and consumer)', () => {
    expect(configDrift(here('../../wrangler.toml'), here('./wrangler.toml'))).toEqual([])
  })

  it('runs every acknowledged event exactly once to completion, and never re-runs a recorded step', { timeout: DEADLINE_MS + 240_000 }, async () => {
    const testStart = Date.now()
    const timeline: string[] = []
    const note = (line: string) => {
      timeline.push(line)
      console.log(`crash test [${seconds(Date.now() - testStart)}] ${line}`)
    }
    const sent: SentEvent[] = []
    const firstCount = Math.ceil(EVENTS / 2)

    // Life 1: SIGKILL while events are arriving, after half of them were acknowledged.
    const first = await nextLife()
    note(`life 1 ready in ${seconds(first.readyMs)} (pid ${first.dev.pid}, ${first.dev.url})`)
    const killAt = Math.max(1, Math.floor(firstCount / 2))
    let intakeKill: Promise<void> | undefined
    const intake = await sendEvents(first.dev.url, 1, plannedEvents('crash', 0, firstCount), {
      concurrency: CONCURRENCY,
      stopped: () => intakeKill !== undefined,
      onAcknowledged: (count) => {
        if (count === killAt) intakeKill = first.dev.kill()
      },
    })
    sent.push(...intake)
    if (!intakeKill) throw new Error(`life 1 acknowledged ${intake.filter((e) => e.id).length} of ${intake.length} events, fewer than the ${killAt} the intake kill waits for. First failures: ${intake.filter((e) => !e.id).slice(0, 3).map((e) => e.failure).join(' | ')}\nwrangler dev said:\n${first.dev.logTail()}`)
    await intakeKill
    const failed = intake.filter((e) => !e.id)
    const failures = failed.length === 0 ? '' : ` (${[...new Set(failed.map((e) => e.failure))].slice(0, 2).join(' | ')})`
    // Answers already written when the signal landed still arrive, hence more than killAt.
    note(`life 1 SIGKILLed during intake on acknowledgement ${killAt}: ${intake.length - failed.length} acknowledged in all, ${failed.length} in flight failed${failures}, ${firstCount - intake.length} never sent`)

    // Life 2: the rest of the events, then SIGKILL while their runs sleep or execute.
    const second = await nextLife()
    note(`life 2 ready in ${seconds(second.readyMs)}`)
    const more = await sendEvents(second.dev.url, 2, plannedEvents('crash', firstCount, EVENTS - firstCount), { concurrency: CONCURRENCY })
    sent.push(...more)
    const moreAcked = more.filter((e) => e.id).length
    const startedInLife2 = () => counter!.executions.filter((e) => e.life === 2 && e.step === STEPS[0]).length
    const waitUntil = Date.now() + MID_RUN_WAIT_MS
    while (startedInLife2() < Math.ceil(moreAcked / 3) && Date.now() < waitUntil) await sleep(50)
    const finishedTags = new Set(counter!.executions.filter((e) => e.step === STEPS.at(-1)).map((e) => e.tag))
    const startedTags = new Set(counter!.executions.map((e) => e.tag))
    await second.dev.kill()
    note(`life 2 SIGKILLed mid-run: ${moreAcked} of ${more.length} acknowledged; at the kill ${startedTags.size - finishedTags.size} runs had started and not finished, ${finishedTags.size} had run their last step`)

    // Life 3: no more kills; every acknowledged event must end in one Completed run.
    const third = await nextLife()
    note(`life 3 ready in ${seconds(third.readyMs)}`)
    const acknowledged = sent.filter((e): e is SentEvent & { id: string } => e.id !== null)
    const runs = new Map<string, readonly RunResource[] | string>()
    const deadline = Date.now() + DEADLINE_MS
    let lastProgress = Date.now()
    for (;;) {
      const pending = acknowledged.filter((e) => !allFinished(runs.get(e.id), TERMINAL))
      if (pending.length === 0) break
      if (Date.now() > deadline) {
        note(`deadline: ${pending.length} of ${acknowledged.length} acknowledged events have no finished run after ${seconds(DEADLINE_MS)}`)
        break
      }
      const answers = await mapPool(pending, CONCURRENCY, (e) => runsOf(third.dev.url, e.id))
      pending.forEach((e, i) => runs.set(e.id, answers[i]!))
      if (Date.now() - lastProgress > 15_000) {
        lastProgress = Date.now()
        note(`waiting: ${acknowledged.length - pending.length} of ${acknowledged.length} acknowledged events have a finished run`)
      }
      await sleep(1_000)
    }
    const executions = counter!.executions
    const acknowledgedTags = new Set(acknowledged.map((e) => e.tag))
    const ranUnacknowledged = new Set(executions.filter((e) => !acknowledgedTags.has(e.tag)).map((e) => e.tag)).size
    note(`${acknowledged.length} of ${sent.length} sent events acknowledged (${ranUnacknowledged} unacknowledged ones ran anyway); ${executions.length} step bodies ran, ${repeatedExecutions(executions)} of them repeats`)

    const problems = crashProblems({ sent, runs, executions, malformedReports: counter!.malformed })
    if (problems.length > 0) {
      throw new Error(
        [`${problems.length} kind(s) of broken promise after ${life - 1} SIGKILLs (${EVENTS} events):`, ...problems.map((p) => `- ${p}`), '', 'Timeline:', ...timeline.map((t) => `  ${t}`), '', `Last lifetime's output, without the test's polling (all of it: ${join(workDir, 'wrangler.log')}):`, third.dev.logTail(15, /GET \/v1\/events\/\w+\/runs/)].join('\n'),
      )
    }
    passed = true
  })
})
