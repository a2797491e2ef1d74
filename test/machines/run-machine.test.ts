import { describe, expect, it } from 'vitest'
import { initialTransition } from 'xstate'
import {
  advanceRun,
  canRecordStep,
  initialRunSnapshot,
  nextTimer,
  persistRunSnapshot,
  restoreRunSnapshot,
  retryDelay,
  runMachine,
  RUN_RETRY_KEY,
  type RetryPolicy,
  type RunEvent,
  type RunInput,
  type RunSnapshot,
  type RunStateValue,
} from '../../machines/index.js'

const T0 = 1_700_000_000_000
const retry: RetryPolicy = { attempts: 3, backoff: 'exponential', initialDelayMs: 1_000, maxDelayMs: 60_000 }
const boom = { name: 'Error', message: 'boom' }

const queued = (over: Partial<RunInput> = {}) =>
  initialRunSnapshot({ runId: 'run-1', functionId: 'fn', retry, maxSteps: 100, at: T0, ...over })
const drive = (snapshot: RunSnapshot, ...events: RunEvent[]) => events.reduce((s, e) => advanceRun(s, e), snapshot)
const running = (over: Partial<RunInput> = {}) => drive(queued(over), { type: 'RUN.START', at: T0 + 1 })
const state = (s: RunSnapshot) => persistRunSnapshot(s)

const sleeping = () => drive(running(), { type: 'SLEEP.REQUESTED', stepKey: 's', wakeAt: T0 + 10_000, at: T0 + 2 }, { type: 'RUN.SUSPENDED', at: T0 + 3 })
const waiting = () =>
  drive(running(), { type: 'WAIT.REQUESTED', stepKey: 'w', event: 'app/paid', timeoutAt: T0 + 20_000, at: T0 + 2 }, { type: 'RUN.SUSPENDED', at: T0 + 3 })
const retrying = () =>
  drive(running(), { type: 'STEP.FAILED', stepKey: 'a', attempt: 0, error: boom, at: T0 + 2 }, { type: 'RUN.SUSPENDED', at: T0 + 3 })

const nonFinal: Record<Exclude<RunStateValue, 'done'>, () => RunSnapshot> = { queued, running, sleeping, waiting, retrying }

describe('run machine', () => {
  it('builds the same initial snapshot as XState\'s initialTransition', () => {
    const input = { runId: 'run-1', functionId: 'fn', retry, maxSteps: 100, at: T0 }
    const [expected] = initialTransition(runMachine, input)
    expect(state(initialRunSnapshot(input))).toStrictEqual(persistRunSnapshot(expected))
    expect(initialRunSnapshot(input).status).toBe(expected.status)
  })

  it('starts queued with nothing recorded, and records the start time on RUN.START', () => {
    expect(queued().value).toBe('queued')
    expect(queued().context).toMatchObject({ attempt: 0, timers: [], queuedAt: T0, startedAt: null, outcome: null })
    expect(running().context.startedAt).toBe(T0 + 1)
  })

  it('keeps no step outputs or per-step data in the snapshot: step rows hold them', () => {
    const s = drive(running(), { type: 'SLEEP.REQUESTED', stepKey: 'a', wakeAt: T0 + 9, at: T0 + 2 }, { type: 'RUN.SUSPENDED', at: T0 + 3 }, { type: 'SLEEP.ELAPSED', stepKey: 'a', at: T0 + 9 })
    expect(s.value).toBe('running')
    // Back to the snapshot the run started with: a step leaves no trace in it.
    expect(state(s)).toEqual(state(running()))
  })

  it('retries a failed step with exponential backoff', () => {
    let s = advanceRun(running(), { type: 'STEP.FAILED', stepKey: 'a', attempt: 0, error: boom, at: T0 + 2 })
    const first = s.context.timers[0]!
    expect(first).toEqual({ stepKey: 'a', kind: 'retry', at: T0 + 2 + retryDelay(retry, 0, 'run-1/a') })
    expect(first.at - (T0 + 2)).toBeGreaterThanOrEqual(900)
    expect(first.at - (T0 + 2)).toBeLessThanOrEqual(1_100)
    s = drive(s, { type: 'RUN.SUSPENDED', at: T0 + 3 }, { type: 'RETRY.DUE', stepKey: 'a', at: first.at })
    expect(s.value).toBe('running')
    s = advanceRun(s, { type: 'STEP.FAILED', stepKey: 'a', attempt: 1, error: boom, at: first.at + 5 })
    const second = s.context.timers[0]!.at - (first.at + 5)
    expect(second).toBeGreaterThanOrEqual(1_800)
    expect(second).toBeLessThanOrEqual(2_200)
  })

  it('a RetryAfterError time overrides backoff', () => {
    const step = advanceRun(running(), { type: 'STEP.FAILED', stepKey: 'a', attempt: 0, error: boom, retryAt: T0 + 90_000, at: T0 + 2 })
    expect(step.context.timers).toEqual([{ stepKey: 'a', kind: 'retry', at: T0 + 90_000 }])
    const run = advanceRun(running(), { type: 'RUN.FAILED', error: boom, retryAt: T0 + 70_000, at: T0 + 2 })
    expect(run.context.timers).toEqual([{ stepKey: RUN_RETRY_KEY, kind: 'retry', at: T0 + 70_000 }])
  })

  it('never schedules a retry before the failure itself', () => {
    const s = advanceRun(running(), { type: 'STEP.FAILED', stepKey: 'a', attempt: 0, error: boom, retryAt: T0 - 5_000, at: T0 + 2 })
    expect(s.context.timers[0]!.at).toBe(T0 + 2)
  })

  it('records a step that runs out of attempts or is non-retriable as failed for good', () => {
    for (const failure of [{ attempt: 2 }, { attempt: 0, nonRetriable: true }]) {
      const s = advanceRun(running(), { type: 'STEP.FAILED', stepKey: 'a', error: boom, at: T0 + 2, ...failure })
      expect(s.value).toBe('running')
      expect(s.context.timers).toEqual([])
      // Nothing changes: the step row records the failure and the handler gets a StepError.
      expect(state(s)).toEqual(state(running()))
    }
  })

  it('ignores a wake-up that is not yet due', () => {
    const before = sleeping()
    const early = advanceRun(before, { type: 'SLEEP.ELAPSED', stepKey: 's', at: T0 + 9_999 })
    expect(state(early)).toEqual(state(before))
    const due = advanceRun(before, { type: 'SLEEP.ELAPSED', stepKey: 's', at: T0 + 10_000 })
    expect(due.value).toBe('running')
    expect(due.context.timers).toEqual([])
  })

  it('ignores a wake-up for a step with no pending timer', () => {
    const before = sleeping()
    expect(state(advanceRun(before, { type: 'SLEEP.ELAPSED', stepKey: 'other', at: T0 + 50_000 }))).toEqual(state(before))
  })

  it('ignores a wake-up whose kind does not match the pending timer', () => {
    const before = advanceRun(running(), { type: 'RUN.FAILED', error: boom, at: T0 + 2 })
    const late = T0 + 100_000
    for (const type of ['SLEEP.ELAPSED', 'WAIT.RESOLVED', 'WAIT.TIMED_OUT'] as const) {
      expect(state(advanceRun(before, { type, stepKey: RUN_RETRY_KEY, at: late }))).toEqual(state(before))
    }
    expect(advanceRun(before, { type: 'RETRY.DUE', stepKey: RUN_RETRY_KEY, at: late }).value).toBe('running')
  })

  it('wakes a waiting run when the event arrives before the timeout', () => {
    const s = advanceRun(waiting(), { type: 'WAIT.RESOLVED', stepKey: 'w', at: T0 + 5 })
    expect(s.value).toBe('running')
    expect(s.context.timers).toEqual([])
  })

  it('wakes a waiting run at its timeout', () => {
    expect(advanceRun(waiting(), { type: 'WAIT.TIMED_OUT', stepKey: 'w', at: T0 + 19_999 }).value).toBe('waiting')
    expect(advanceRun(waiting(), { type: 'WAIT.TIMED_OUT', stepKey: 'w', at: T0 + 20_000 }).value).toBe('running')
  })

  it('resolves a wait whose event arrives while the handler still runs', () => {
    const s = drive(
      running(),
      { type: 'WAIT.REQUESTED', stepKey: 'w', event: 'app/paid', timeoutAt: T0 + 20_000, at: T0 + 2 },
      { type: 'WAIT.RESOLVED', stepKey: 'w', at: T0 + 3 },
      { type: 'RUN.SUSPENDED', at: T0 + 4 },
    )
    expect(s.value).toBe('running')
    expect(s.context.timers).toEqual([])
  })

  it('RUN.SUSPENDED picks retrying over waiting over sleeping', () => {
    const sleep: RunEvent = { type: 'SLEEP.REQUESTED', stepKey: 's', wakeAt: T0 + 10, at: T0 + 2 }
    const wait: RunEvent = { type: 'WAIT.REQUESTED', stepKey: 'w', event: 'e', timeoutAt: T0 + 10, at: T0 + 2 }
    const fail: RunEvent = { type: 'STEP.FAILED', stepKey: 'a', attempt: 0, error: boom, at: T0 + 2 }
    const suspend: RunEvent = { type: 'RUN.SUSPENDED', at: T0 + 3 }
    expect(drive(running(), sleep, wait, fail, suspend).value).toBe('retrying')
    expect(drive(running(), fail, sleep, wait, suspend).value).toBe('retrying')
    expect(drive(running(), sleep, wait, suspend).value).toBe('waiting')
    expect(drive(running(), sleep, suspend).value).toBe('sleeping')
    expect(drive(running(), suspend).value).toBe('running')
  })

  it('keeps one timer for a re-requested sleep or wait', () => {
    const request = (at: number): RunEvent => ({ type: 'SLEEP.REQUESTED', stepKey: 's', wakeAt: T0 + 10_000, at })
    const s = drive(running(), request(T0 + 2), request(T0 + 3), request(T0 + 4))
    expect(s.context.timers).toEqual([{ stepKey: 's', kind: 'sleep', at: T0 + 10_000 }])
    const wait = (at: number): RunEvent => ({ type: 'WAIT.REQUESTED', stepKey: 'w', event: 'e', timeoutAt: T0 + 5, at })
    expect(drive(s, wait(T0 + 5), wait(T0 + 6)).context.timers).toHaveLength(2)
  })

  it('function-level retry increments context.attempt', () => {
    let s = advanceRun(running(), { type: 'RUN.FAILED', error: boom, at: T0 + 2 })
    expect(s.value).toBe('retrying')
    expect(s.context.attempt).toBe(0)
    const due = s.context.timers[0]!
    expect(due.at).toBe(T0 + 2 + retryDelay(retry, 0, `run-1/${RUN_RETRY_KEY}`))
    s = advanceRun(s, { type: 'RETRY.DUE', stepKey: RUN_RETRY_KEY, at: due.at })
    expect(s.value).toBe('running')
    expect(s.context.attempt).toBe(1)
    expect(s.context.timers).toEqual([])
  })

  it('fails the run when the handler runs out of attempts', () => {
    let s = running()
    for (let attempt = 0; attempt < retry.attempts - 1; attempt++) {
      s = advanceRun(s, { type: 'RUN.FAILED', error: boom, at: T0 + 10 + attempt })
      s = advanceRun(s, { type: 'RETRY.DUE', stepKey: RUN_RETRY_KEY, at: s.context.timers[0]!.at })
    }
    expect(s.context.attempt).toBe(2)
    s = advanceRun(s, { type: 'RUN.FAILED', error: { name: 'Error', message: 'last' }, at: T0 + 500_000 })
    expect(s.value).toBe('done')
    expect(s.status).toBe('done')
    expect(s.context).toMatchObject({ outcome: 'failed', error: { message: 'last' }, endedAt: T0 + 500_000, timers: [] })
  })

  it('fails the run at once on a non-retriable error', () => {
    const s = advanceRun(running(), { type: 'RUN.FAILED', error: boom, nonRetriable: true, at: T0 + 2 })
    expect(s.context).toMatchObject({ outcome: 'failed', attempt: 0, timers: [] })
  })

  it('keeps a failed run\'s error as plain data, even when handed an Error', () => {
    const thrown = Object.assign(new TypeError('bad input'), { payload: 'x'.repeat(1_000) })
    const s = advanceRun(running(), { type: 'RUN.FAILED', error: thrown, nonRetriable: true, at: T0 + 2 })
    expect(Object.keys(s.context.error!).sort()).toEqual(['message', 'name', 'stack'])
    expect(restoreRunSnapshot(JSON.parse(JSON.stringify(state(s)))).context.error).toStrictEqual(s.context.error)
    expect(s.context.error).toMatchObject({ name: 'TypeError', message: 'bad input' })
  })

  it('completes the run and drops pending timers', () => {
    const s = drive(running(), { type: 'SLEEP.REQUESTED', stepKey: 's', wakeAt: T0 + 5, at: T0 + 2 }, { type: 'RUN.COMPLETED', at: T0 + 3 })
    expect(s.value).toBe('done')
    expect(s.context).toMatchObject({ outcome: 'completed', error: null, endedAt: T0 + 3, timers: [] })
  })

  it('cancels from every non-final state', () => {
    for (const [name, make] of Object.entries(nonFinal)) {
      const s = advanceRun(make(), { type: 'RUN.CANCELLED', reason: 'user asked', at: T0 + 7 })
      expect(s.value, name).toBe('done')
      expect(s.context, name).toMatchObject({ outcome: 'cancelled', error: { name: 'RunCancelled', message: 'user asked' }, timers: [] })
    }
    expect(advanceRun(queued(), { type: 'RUN.CANCELLED', at: T0 + 7 }).context.error).toBeNull()
  })

  it('ignores every event once done', () => {
    const done = advanceRun(running(), { type: 'RUN.COMPLETED', at: T0 + 2 })
    for (const event of [
      { type: 'RUN.START', at: T0 + 9 },
      { type: 'RUN.FAILED', error: boom, at: T0 + 9 },
      { type: 'RUN.CANCELLED', at: T0 + 9 },
      { type: 'SLEEP.REQUESTED', stepKey: 'a', wakeAt: T0 + 20, at: T0 + 9 },
    ] satisfies RunEvent[]) {
      expect(state(advanceRun(done, event))).toEqual(state(done))
    }
  })

  it('every state has a description', () => {
    const states = Object.entries(runMachine.root.states)
    expect(states.map(([key]) => key).sort()).toEqual(['done', 'queued', 'retrying', 'running', 'sleeping', 'waiting'])
    for (const [key, node] of states) expect(node.description, key).toMatch(/\w{3,}/)
  })

  it('jitter is the same for the same run id and differs across run ids', () => {
    // A wide base delay (±10 s of jitter) so 50 runs almost never collide by chance.
    const wide = { ...retry, initialDelayMs: 100_000, maxDelayMs: 200_000 }
    const retryAt = (runId: string) =>
      advanceRun(running({ runId, retry: wide }), { type: 'STEP.FAILED', stepKey: 'a', attempt: 0, error: boom, at: T0 + 2 }).context.timers[0]!.at
    expect(retryAt('run-1')).toBe(retryAt('run-1'))
    const times = new Set(Array.from({ length: 50 }, (_, i) => retryAt(`run-${i}`)))
    expect(times.size).toBeGreaterThan(45)
  })

  it('restores every persisted state through JSON unchanged', () => {
    const done = advanceRun(running(), { type: 'RUN.FAILED', error: boom, nonRetriable: true, at: T0 + 2 })
    for (const s of [...Object.values(nonFinal).map((make) => make()), done]) {
      const restored = restoreRunSnapshot(JSON.parse(JSON.stringify(persistRunSnapshot(s))))
      expect(state(restored)).toStrictEqual(state(s))
      expect(restored.status).toBe(s.status)
    }
  })

  it('names the earliest timer as the next alarm, and allows steps up to maxSteps', () => {
    const s = drive(
      running(),
      { type: 'SLEEP.REQUESTED', stepKey: 's', wakeAt: T0 + 9_000, at: T0 + 2 },
      { type: 'WAIT.REQUESTED', stepKey: 'w', event: 'e', timeoutAt: T0 + 4_000, at: T0 + 3 },
    )
    expect(nextTimer(s.context)).toMatchObject({ stepKey: 'w', at: T0 + 4_000 })
    expect(nextTimer(running().context)).toBeUndefined()
    expect(canRecordStep(running({ maxSteps: 2 }).context, 1)).toBe(true)
    expect(canRecordStep(running({ maxSteps: 2 }).context, 2)).toBe(false)
  })

  it('skips a queued run that flow control never lets start, naming the option', () => {
    const skipped = advanceRun(queued(), { type: 'RUN.SKIPPED', reason: 'rateLimit', at: T0 + 5 })
    expect(skipped.value).toBe('done')
    expect(skipped.context).toMatchObject({ outcome: 'skipped', error: { name: 'RunSkipped', message: 'rateLimit' }, endedAt: T0 + 5, startedAt: null })
    expect(advanceRun(running(), { type: 'RUN.SKIPPED', reason: 'late', at: T0 + 5 }).value).toBe('running')
  })
})
