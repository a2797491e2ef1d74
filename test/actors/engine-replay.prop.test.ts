/**
 * Replay under eviction, as a property: a generated handler program (steps, parallel groups,
 * sleeps, waits that time out, sent events, steps that fail and retry, a step that runs out of
 * attempts) runs once undisturbed
 * (run A) and once with crashes (run B): evicted at generated suspension points, and aborted
 * while a generated step body is mid-flight. Both runs end with the same output and the same
 * step log, and no step body that completed ever runs again.
 *
 * Mid-flight crashes use `abortAllDurableObjects()`: `evictDurableObject` waits for in-flight
 * requests to drain, and an alarm whose pass hangs inside a step body never drains. Only this
 * file's objects are aborted (each test file has its own runtime); stubs are fetched fresh
 * for every call, because an aborted object's stubs stay broken.
 *
 * Reproducing a failure: fast-check prints `seed` and `path` in the error; rerun with
 *   FC_SEED=<seed> npx vitest run test/actors/engine-replay.prop.test.ts
 * (a long soak: FC_NUM_RUNS=<n>; see test/fixtures/fc-seed.ts). Pin every seed that found a bug
 * as an entry of `regressions` below.
 */
import { abortAllDurableObjects, evictDurableObject, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import fc from 'fast-check'
import { ulid } from 'ulid'
import { describe, expect, it, vi } from 'vitest'
import { runActorStub, type RunInspection } from '../../actors/internal.js'
import {
  armPause,
  failureMessage,
  PROGRAM_ATTEMPTS,
  programProbe,
  programSteps,
  takeReachedPause,
  type Program,
  type ProgramOp,
  type RunOp,
} from '../fixtures/program-function.js'
import { runInline } from '../fixtures/inline-run.js'
import { hits, uniqueLabel } from '../fixtures/probes.js'
import { testEnv } from '../fixtures/runs.js'
import { seedParams } from '../fixtures/fc-seed.js'


/** Crashes of run B: evict at the nth suspension if `evictions[n]`; abort when step `key` is entered for the `entry`th time. */
interface Crashes {
  readonly evictions: readonly boolean[]
  readonly pauses: ReadonlyArray<readonly [key: string, entry: number]>
}

// Ids repeat on purpose, so keys such as `a:1` are exercised.
const stepId = fc.constantFrom('a', 'b', 'c')
const failTimes = fc.oneof({ arbitrary: fc.constant(0), weight: 3 }, { arbitrary: fc.integer({ min: 1, max: PROGRAM_ATTEMPTS }), weight: 2 })
const runOp: fc.Arbitrary<RunOp> = fc.record({ op: fc.constant('run' as const), id: stepId, value: fc.integer({ min: 0, max: 99 }), failTimes })
const programOp: fc.Arbitrary<ProgramOp> = fc.oneof(
  { arbitrary: runOp, weight: 4 },
  { arbitrary: fc.record({ op: fc.constant('parallel' as const), ops: fc.array(runOp, { minLength: 2, maxLength: 3 }) }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('sleep' as const), id: stepId, duration: fc.constantFrom('1s', '1m', '1h', '1d') }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('wait' as const), id: stepId, timeout: fc.constantFrom('1s', '1h') }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('send' as const), id: stepId }), weight: 1 },
)
const programArb = fc.array(programOp, { minLength: 1, maxLength: 6 })

function crashesFor(program: Program): fc.Arbitrary<Crashes> {
  // A body can be entered once per attempt: entries 0 … min(failTimes, attempts - 1).
  const bodies = programSteps(program).flatMap(({ key, op }) => (op.op === 'run' ? [{ key, last: Math.min(op.failTimes, PROGRAM_ATTEMPTS - 1) }] : []))
  const pauses = fc
    .subarray(bodies, { maxLength: Math.min(2, bodies.length) })
    .chain((chosen) => fc.tuple(...chosen.map((step) => fc.tuple(fc.constant(step.key), fc.integer({ min: 0, max: step.last })))))
  return fc.record({ evictions: fc.array(fc.boolean(), { maxLength: 20 }), pauses })
}
const scenario = programArb.chain((program) => fc.tuple(fc.constant(program), crashesFor(program)))

/** Cases that once found a bug (fast-check's counterexamples); they run before the random ones. */
const regressions: Array<[[Program, Crashes]]> = [
  // seed -1376903846: a step failing for good while a parallel sibling waited on its retry left
  // the pass hanging, never suspended (HandlerPass.recordFailure did not re-check for idle).
  [
    [
      [{ op: 'parallel', ops: [{ op: 'run', id: 'a', value: 0, failTimes: 3 }, { op: 'run', id: 'a', value: 0, failTimes: 1 }, { op: 'run', id: 'a', value: 4, failTimes: 0 }] }],
      { evictions: [], pauses: [] },
    ],
  ],
]

const rawStub = (runId: string) => testEnv.INNGEST_RUNS.get(testEnv.INNGEST_RUNS.idFromName(runId))
const inspect = (runId: string) => runActorStub(testEnv.INNGEST_RUNS, runId).inspect()
const scheduledAlarm = (runId: string) => runInDurableObject(rawStub(runId), (_, state) => state.storage.getAlarm())
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Fires the run's alarm; a request cut off by our own abort is expected, a missing alarm is not. */
function fireAlarm(runId: string): { settled: () => boolean; failure: () => unknown } {
  let settled = false
  let failure: unknown
  runDurableObjectAlarm(rawStub(runId)).then(
    (ran) => {
      settled = true
      if (!ran) failure = new Error(`run ${runId} is suspended but has no alarm: it would never resume`)
    },
    (error: unknown) => {
      settled = true
      if (!String(error).includes('abortAllDurableObjects')) failure = error
    },
  )
  return { settled: () => settled, failure: () => failure }
}

/**
 * Waits until a body reached its armed pause, or the run is suspended or done with nothing in
 * flight and its alarm on the earliest timer (none once done).
 */
async function quiesce(runId: string, label: string, alarm: ReturnType<typeof fireAlarm> | null): Promise<RunInspection | 'paused'> {
  let result: RunInspection | 'paused' | undefined
  await vi.waitFor(
    async () => {
      if (takeReachedPause(label)) return void (result = 'paused')
      if (alarm?.failure()) throw new Error(`alarm failed: ${String(alarm.failure())}`)
      if (alarm && !alarm.settled()) throw new Error('alarm still running')
      const run = await inspect(runId)
      const snapshot = run.snapshot
      if (!snapshot || snapshot.value === 'running' || snapshot.value === 'queued') throw new Error(`run is ${snapshot?.value}`)
      if (run.effectsPending) throw new Error(`run is ${snapshot.value} with effects pending`)
      const timers = snapshot.context.timers.map((timer) => timer.at)
      const expected = snapshot.value === 'done' ? null : Math.min(...timers)
      const actual = await scheduledAlarm(runId)
      if (actual !== expected) throw new Error(`alarm at ${actual}, expected ${expected} (${snapshot.value})`)
      result = run
    },
    { timeout: 5_000, interval: 5 },
  )
  if (alarm?.failure()) throw alarm.failure()
  return result!
}

/** Starts the program's run and drives it to done, crashing it as `crashes` says. */
async function runProgram(program: Program, crashes: Crashes = { evictions: [], pauses: [] }): Promise<{ label: string; run: RunInspection }> {
  const runId = ulid()
  const label = uniqueLabel('program')
  for (const [key, entry] of crashes.pauses) armPause(label, key, entry)
  // fast-check builds records without a prototype, which RPC cannot clone: send plain JSON.
  const data = JSON.parse(JSON.stringify({ program, label })) as Record<string, unknown>
  const event = { name: 'engine/program', id: ulid(), ts: Date.now(), data }
  await runActorStub(testEnv.INNGEST_RUNS, runId).start({ runId, functionId: 'shop-program', events: [event] })
  let alarm: ReturnType<typeof fireAlarm> | null = null
  let suspensions = 0
  for (let round = 0; round < 100; round++) {
    const state = await quiesce(runId, label, alarm)
    if (state === 'paused') {
      await pause(5) // let sibling branches of the hanging step finish and persist first
      await abortAllDurableObjects()
      alarm = fireAlarm(runId) // the 30 s watchdog of the interrupted pass resumes the run
      continue
    }
    if (state.snapshot?.value === 'done') return { label, run: state }
    if (crashes.evictions[suspensions++]) await evictDurableObject(rawStub(runId))
    alarm = fireAlarm(runId)
  }
  throw new Error(`run ${runId} did not finish within 100 wake-ups`)
}

/** What the program returns, worked out without the engine. */
function expectedOutput(program: Program): unknown[] {
  const steps = programSteps(program)
  let next = 0
  const result = (op: RunOp) => {
    const { key } = steps[next++]!
    return op.failTimes < PROGRAM_ATTEMPTS ? op.value : { failed: `Error: ${failureMessage(key, PROGRAM_ATTEMPTS)}` }
  }
  const other = (op: ProgramOp) => (next++, op.op === 'send' ? 1 : null)
  return program.map((op) => (op.op === 'run' ? result(op) : op.op === 'parallel' ? op.ops.map(result) : other(op)))
}

/** The step log; a sent event's ids derive from the run id, so only their count is compared. */
const stepLog = (run: RunInspection) =>
  run.steps.map((step) => [step.key, step.kind, step.status, step.attempts, step.kind === 'sendEvent' ? (step.output as { ids: string[] }).ids.length : step.output])

describe('engine replay under eviction', () => {
  it('gives the same output and step log as an uninterrupted run, and never re-runs a completed step body', { timeout: 300_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ([program, crashes]) => {
        const a = await runProgram(program)
        const b = await runProgram(program, crashes)
        expect(a.run.status).toBe('Completed')
        expect(a.run.output).toEqual(expectedOutput(program))
        expect(stepLog(a.run).map(([key]) => key)).toEqual(programSteps(program).map((step) => step.key))
        expect(b.run.status).toBe('Completed')
        expect(b.run.output).toEqual(a.run.output)
        expect(stepLog(b.run)).toEqual(stepLog(a.run))
        for (const { key, op } of programSteps(program)) {
          if (op.op !== 'run') continue
          const executions = Math.min(op.failTimes + 1, PROGRAM_ATTEMPTS)
          const completions = op.failTimes < PROGRAM_ATTEMPTS ? 1 : 0
          const paused = crashes.pauses.filter(([pausedKey]) => pausedKey === key).length
          for (const { label } of [a, b]) {
            expect(hits(programProbe(label, key, 'body')), `${key} bodies`).toBe(executions)
            expect(hits(programProbe(label, key, 'done')), `${key} completions`).toBe(completions)
          }
          expect(hits(programProbe(b.label, key, 'entry')), `${key} entries`).toBe(executions + paused)
        }
      }),
      seedParams({ numRuns: 25, examples: regressions }),
    )
  })

  it('detects a step recorded as a run and replayed as a sleep, and fails the run naming it', async () => {
    let passes = 0
    const run = await runInline(async ({ step }) => {
      // Non-deterministic on purpose: `x` is a run the first time, a sleep on every replay.
      if (passes++ === 0) await step.run('x', () => 'ran')
      else await step.sleep('x', '1s')
      await step.sleep('nap', '1m')
    })
    expect(run.status).toBe('Failed')
    expect(run.snapshot!.context.error).toMatchObject({ name: 'NonDeterminismError' })
    expect(run.snapshot!.context.error!.message).toMatch(/Step "x" was a run step in the recorded execution but is now called as sleep/)
  })
})
