/**
 * Crash test of a synced app's runs: `wrangler dev` (the example worker, bundled once, on a
 * --persist-to directory) is SIGKILLed as a process group while runs of the v4 app's slow-steps
 * (ten 50–100 ms steps, each checkpointed to `POST /v1/checkpoint/:runId/async`) are executing
 * in the app, and restarted on the same directory and the same port, where the app's INNGEST_DEV
 * points; the app keeps running throughout, as a user's process would. Then every acknowledged
 * event has exactly one Completed run with the right output, and a step body began again only
 * after a kill, at most once per run per kill (harness/synced-crash-report.ts).
 * CRASH_EVENTS=100 for a bigger run.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { allFinished, plannedEvents, positiveInteger, seconds } from './harness/crash-knobs.js'
import { mapPool, runsOf, sendEvents, type PlannedEvent, type RunResource, type SentEvent } from './harness/event-client.js'
import { startOfficialApp, type OfficialApp } from './harness/official-app-process.js'
import { checkpointOutcomes, executingAt, reExecutionsOf, SLOW_STEPS, syncedCrashProblems, type CheckpointPost, type Execution, type Kill } from './harness/synced-crash-report.js'
import { freezeWorker, repoRoot } from './harness/wrangler-cli.js'
import { startWranglerDev, type WranglerDev } from './harness/wrangler-dev.js'

const EVENTS = positiveInteger('CRASH_EVENTS', 20)
/** How long the last lifetime has to finish every acknowledged run. */
const DEADLINE_MS = positiveInteger('CRASH_DEADLINE_MS', 45_000 + 200 * EVENTS)
const CONCURRENCY = 8
/** A lifetime is killed once this share of the step bodies left to run have begun in it. */
const KILL_SHARE = 0.4
/** How long to wait for that, at most. */
const MID_RUN_WAIT_MS = 20_000
const TERMINAL = new Set(['Completed', 'Failed', 'Cancelled'])

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms))

describe('a synced app’s runs when wrangler dev is killed with SIGKILL', () => {
  let workDir: string
  let frozenConfig: string
  let dev: WranglerDev | undefined
  let app: OfficialApp | undefined
  let port: number | undefined
  let passed = false

  const evidence = async <T>(path: string): Promise<T> => (await (await fetch(new URL(path, app!.url))).json()) as T
  /** The next lifetime on the same persist dir and, after the first, the same port. */
  const nextLife = async () => {
    dev = await startWranglerDev({ config: frozenConfig, persistTo: join(workDir, 'state'), vars: {}, logFile: join(workDir, 'wrangler.log'), workDir, ...(port ? { port } : {}) })
    port = Number(new URL(dev.url).port)
    return dev
  }

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'inngest-server-protocol-crash-'))
    frozenConfig = await freezeWorker(join(repoRoot, 'wrangler.toml'), workDir)
  }, 120_000)

  afterAll(async () => {
    await app?.kill()
    await dev?.kill()
    if (passed && !process.env.CRASH_KEEP) await rm(workDir, { recursive: true, force: true })
    else console.log(`server-protocol crash test: kept ${workDir} (wrangler.log, app.log, evidence.json: what the app saw, state/)`)
  })

  it('completes every acknowledged run once, re-running at most the step executing at each kill', { timeout: DEADLINE_MS + 180_000 }, async () => {
    const testStart = Date.now()
    const timeline: string[] = []
    const note = (line: string) => {
      timeline.push(line)
      console.log(`server-protocol crash [${seconds(Date.now() - testStart)}] ${line}`)
    }
    const sent: SentEvent[] = []
    const kills: Kill[] = []
    const lives: number[] = []

    /** Sends `events`, waits until KILL_SHARE of the step bodies left have begun since `from`, and SIGKILLs. */
    const killMidRun = async (life: number, events: PlannedEvent[]) => {
      const from = Date.now()
      const before = new Set((await evidence<Execution[]>('/executions')).map((e) => `${e.tag} ${e.step}`)).size
      const batch = await sendEvents(dev!.url, life, events, { concurrency: CONCURRENCY, name: 'official/slow-steps' })
      sent.push(...batch)
      const left = sent.filter((e) => e.id).length * SLOW_STEPS.length - before
      const deadline = Date.now() + MID_RUN_WAIT_MS
      let executions: Execution[] = []
      while (Date.now() < deadline) {
        executions = await evidence<Execution[]>('/executions')
        if (executions.filter((e) => e.at >= from).length >= Math.ceil(left * KILL_SHARE)) break
        await sleep(20)
      }
      const at = Date.now()
      await dev!.kill()
      kills.push({ at, goneAt: Date.now() })
      note(`life ${life} SIGKILLed: ${batch.filter((e) => e.id).length} of ${batch.length} events acknowledged; ${executions.filter((e) => e.at >= from).length} of ${left} step bodies left had begun`)
    }

    lives.push(Date.now())
    await nextLife()
    app = await startOfficialApp({ INNGEST_DEV: dev!.url, ...(process.env.CRASH_APP_DEBUG ? { DEBUG: 'inngest*' } : {}) }, join(workDir, 'app.log'))
    const sync = await fetch(app.url, { method: 'PUT' })
    expect(sync.status).toBe(200)
    note(`life 1 on ${dev!.url}, app ${app.url} synced`)
    const firstCount = Math.ceil(EVENTS / 2)
    await killMidRun(1, plannedEvents('slow', 0, firstCount))

    lives.push(Date.now())
    await nextLife()
    note(`life 2 ready on the same port in ${seconds(Date.now() - lives[1]!)}`)
    await killMidRun(2, plannedEvents('slow', firstCount, EVENTS - firstCount))

    lives.push(Date.now())
    const last = await nextLife()
    note(`life 3 ready in ${seconds(Date.now() - lives[2]!)}`)
    const acknowledged = sent.filter((e): e is SentEvent & { id: string } => e.id !== null)
    const runs = new Map<string, readonly RunResource[] | string>()
    const deadline = Date.now() + DEADLINE_MS
    for (;;) {
      const pending = acknowledged.filter((e) => !allFinished(runs.get(e.id), TERMINAL))
      if (pending.length === 0) break
      if (Date.now() > deadline) {
        note(`deadline: ${pending.length} of ${acknowledged.length} acknowledged events have no finished run after ${seconds(DEADLINE_MS)}`)
        break
      }
      const answers = await mapPool(pending, CONCURRENCY, (e) => runsOf(last.url, e.id))
      pending.forEach((e, i) => runs.set(e.id, answers[i]!))
      await sleep(500)
    }
    note(`life 3: ${acknowledged.filter((e) => allFinished(runs.get(e.id), TERMINAL)).length} of ${acknowledged.length} acknowledged events have a finished run`)

    const executions = await evidence<Execution[]>('/executions')
    const posts = await evidence<CheckpointPost[]>('/checkpoints')
    const { perKill, executingAtKill } = reExecutionsOf(executions, kills)
    const log = await readFile(join(workDir, 'wrangler.log'), 'utf8')
    // Wrangler logs each request; a 409 answers a checkpoint of a call the restarted object never made.
    const conflictsLogged = log.split('\n').filter((line) => /POST \/v1\/checkpoint\/\S+\/async 409/.test(line)).length
    kills.forEach((kill, k) => {
      const reRan = perKill[k]!
      const extra = [...reRan.values()].reduce((sum, count) => sum + count, 0)
      const outcomes = checkpointOutcomes(posts, kill.at, kills[k + 1]?.at ?? Infinity)
      note(`kill ${k + 1}: ${executingAt(executions, kill).length} runs were executing a step; ${extra} step bodies began again (${reRan.size} runs, at most ${Math.max(0, ...reRan.values())} each; ${executingAtKill[k]} of them were executing at the kill, the others awaited their checkpoint's answer); checkpoint posts after it: ${JSON.stringify(outcomes)}`)
    })
    note(`${executions.length} step bodies began for ${acknowledged.length} runs of ${SLOW_STEPS.length} steps; checkpoint posts in all: ${JSON.stringify(checkpointOutcomes(posts, 0, Infinity))}; 409s in wrangler's log: ${conflictsLogged}`)

    await writeFile(join(workDir, 'evidence.json'), JSON.stringify({ kills, lives, sent, runs: Object.fromEntries(runs), executions, posts }, null, 1))
    const problems = syncedCrashProblems({ sent, runs, executions, kills, posts })
    // Where a run was executing a step at the kill, the checkpoint after it fails (wrangler gone) or gets 409.
    const failedPosts = posts.filter((post) => post.at >= kills[0]!.at && post.outcome !== '200').length
    if (executingAt(executions, kills[0]!).length > 0 && failedPosts === 0) problems.push('HARNESS: runs were executing steps at kill 1, yet no checkpoint post failed or got 409 after it')
    if (problems.length > 0) {
      throw new Error([`${problems.length} broken promise(s) after ${kills.length} SIGKILLs (${EVENTS} events):`, ...problems.slice(0, 60).map((p) => `- ${p}`), '', 'Timeline:', ...timeline.map((t) => `  ${t}`), '', `Last lifetime's output (all of it: ${join(workDir, 'wrangler.log')}):`, last.logTail(20, /GET \/v1\/events\/\w+\/runs/)].join('\n'))
    }
    passed = true
  })
})
