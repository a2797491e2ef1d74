/**
 * Flow control as Jepsen-style histories over real Durable Objects. The test drives generated
 * runs, gate openings and crashes; step bodies log `begin`/`end` on a logical clock (the index in
 * test/fixtures/flow-history-functions.ts's history); the checks read only that history and the
 * slot actors' persisted state.
 *
 * Concurrency model. A run is inside a body from `begin` to `end`. `abortAllDurableObjects` ends
 * every open body at the abort; an `end` from its zombie object is ignored (zombie gates are
 * opened too, but in workerd an aborted object's continuations never run). Its run is dead until
 * the test fires its alarm (the watchdog's resume). A lease expires only by time travel (firing
 * the slot actor's alarm), and only when every lease of that pool is a dead run's: expiring a live
 * holder's lease legitimately lets one more run in, and is not generated. Checked: per key, at
 * every logical instant, at most `limit` runs inside a body; at every quiescent point leases
 * belong only to runs inside a body or dead (a sleeping, queued or finished run holds none) and
 * nobody queues while a slot is free; every run completes; every body completes exactly once,
 * re-runs only after an abort, and the run records the result of that completion.
 *
 * Reproduce a failure: FC_SEED=<seed> npx vitest run test/actors/flow-history.prop.test.ts
 */
import { abortAllDurableObjects, evictDurableObject, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import fc from 'fast-check'
import { ulid } from 'ulid'
import { describe, expect, it, vi } from 'vitest'
import { runActorStub } from '../../actors/internal.js'
import type { ConcurrencyState, ThrottleState } from '../../machines/index.js'
import { seedParams } from '../fixtures/fc-seed.js'
import { bodyGate, history, HISTORY_LIMITS, HISTORY_THROTTLES, historyFunctionId, historyStepId, record, type HistoryEntry, type HistoryOp } from '../fixtures/flow-history-functions.js'
import { SlotStore } from '../../actors/storage/slot-store.js'
import { gate, openGate, uniqueLabel } from '../fixtures/probes.js'
import { testEnv } from '../fixtures/runs.js'

const rawSlot = (name: string) => testEnv.INNGEST_SLOTS.get(testEnv.INNGEST_SLOTS.idFromName(name))
const inspect = (runId: string) => runActorStub(testEnv.INNGEST_RUNS, runId).inspect()
const slotRows = <T,>(name: string, sql: string) => runInDurableObject(rawSlot(name), (_, state) => state.storage.sql.exec(sql).toArray() as unknown as T[])
/** The slot actor's state, its queue read back from rows. */
const slotState = <T,>(name: string): Promise<T | null> => runInDurableObject(rawSlot(name), (_, state) => new SlotStore(state.storage).fullState<T>())

/** Starts a run on its actor as the queue consumer does, with plain-JSON data (RPC cannot clone fast-check's records). */
async function startRun(functionId: string, name: string, data: object): Promise<string> {
  const runId = ulid()
  const event = { name, id: ulid(), ts: Date.now(), data: JSON.parse(JSON.stringify(data)) as Record<string, unknown> }
  await runActorStub(testEnv.INNGEST_RUNS, runId).start({ runId, functionId, events: [event] })
  return runId
}

/** A run's alarm fired in the background (the pass it resumes blocks in a body); our own abort may cut it. */
interface Fired { readonly runId: string; settled: boolean; failure?: unknown }
function fire(runId: string): Fired {
  const fired: Fired = { runId, settled: false }
  runDurableObjectAlarm(testEnv.INNGEST_RUNS.get(testEnv.INNGEST_RUNS.idFromName(runId))).then(
    (ran) => void Object.assign(fired, { settled: true }, ran ? {} : { failure: new Error(`run ${runId} has no alarm: it would never resume`) }),
    (error: unknown) => void Object.assign(fired, { settled: true }, String(error).includes('abortAllDurableObjects') ? {} : { failure: error }),
  )
  return fired
}

type Action = 'open' | 'zombie' | 'wake' | 'resume' | 'abort' | 'evict' | 'expire'
interface Scenario {
  readonly limit: number
  readonly runs: ReadonlyArray<{ readonly key: number; readonly program: readonly HistoryOp[] }>
  readonly actions: ReadonlyArray<readonly [Action, number]>
}
const actions: Action[] = ['open', 'open', 'open', 'zombie', 'wake', 'resume', 'resume', 'abort', 'abort', 'evict', 'expire', 'expire']
const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
  limit: fc.constantFrom(...HISTORY_LIMITS),
  runs: fc.array(fc.record({ key: fc.nat(2), program: fc.array(fc.constantFrom<HistoryOp>('run', 'run', 'sleep'), { minLength: 1, maxLength: 3 }) }), { minLength: 2, maxLength: 7 }),
  actions: fc.array(fc.tuple(fc.constantFrom(...actions), fc.nat(6)), { minLength: 6, maxLength: 24 }),
})

const bodyId = (e: HistoryEntry) => bodyGate(e.label, e.step, e.entry)

/** Replays a history, checking at every begin that at most `limit` runs of its key are inside a body. */
function scan(entries: readonly HistoryEntry[], limit: number) {
  const open = new Map<string, HistoryEntry>()
  const aborted = new Map<string, HistoryEntry>()
  const completed = new Map<string, number[]>()
  for (const [t, e] of entries.entries()) {
    if (e.kind === 'abort') (open.forEach((body, id) => aborted.set(id, body)), open.clear())
    else if (e.kind === 'begin') {
      expect(open.has(bodyId(e)) || aborted.has(bodyId(e)), `${bodyId(e)} begins twice`).toBe(false)
      open.set(bodyId(e), e)
      const inside = new Set([...open.values()].filter((o) => o.key === e.key).map((o) => o.label))
      expect(inside.size, `runs inside a body of ${e.key} at logical time ${t}`).toBeLessThanOrEqual(limit)
    } else if (e.kind === 'end' && open.delete(bodyId(e))) completed.set(`${e.label}:${e.step}`, [...(completed.get(`${e.label}:${e.step}`) ?? []), e.entry])
    else if (e.kind === 'end') expect(aborted.has(bodyId(e)), `${bodyId(e)} ends without a begin`).toBe(true)
  }
  return { open, aborted, completed }
}

/** Drives one scenario: its actions at quiescent points, then to the end without crashes; checks as it goes. */
async function driveConcurrency(s: Scenario): Promise<void> {
  const from = history.length
  const keys = [0, 1, 2].map(() => uniqueLabel('key'))
  const functionId = historyFunctionId(s.limit)
  const slotOf = (k: number) => `slot:concurrency:fn:${functionId}:event.data.key:${keys[k]}`
  const aborts = s.actions.filter(([a]) => a === 'abort').length
  const runs = s.runs.map((spec) => ({ ...spec, label: uniqueLabel('run'), runId: '' }))
  // Gates made here, not in a run's object, so opening them reaches into no object's context.
  for (const run of runs) for (const [i, op] of run.program.entries()) for (let e = 0; e <= aborts && op === 'run'; e++) void gate(bodyGate(run.label, historyStepId(op, i), e))
  const dead = new Set<string>()
  const zombies: string[] = []
  const fired: Fired[] = []

  const observe = async () => {
    const { open } = scan(history.slice(from), s.limit)
    const busy = new Set([...open.values()].map((e) => e.label))
    const pools = await Promise.all(keys.map((_, k) => slotState<ConcurrencyState>(slotOf(k))))
    const views = await Promise.all(runs.map(async (run) => ({ run, inspection: await inspect(run.runId) })))
    const quiet = views.every(({ run, inspection: { snapshot, effectsPending } }) => {
      const state = snapshot?.value
      const waking = fired.some((f) => f.runId === run.runId && !f.settled)
      const queued = pools[run.key]?.waiting.some((w) => w.runId === run.runId) ?? false
      return !effectsPending && (state === 'done' || busy.has(run.label) || dead.has(run.label) || (state === 'sleeping' && !waking) || (state === 'running' && queued))
    })
    return { open, busy, pools, views, quiet }
  }
  type View = Awaited<ReturnType<typeof observe>>
  /** Waits until every run is done, inside a body, dead, sleeping or queued for a slot, and nothing moves. */
  const settle = async (): Promise<View> => {
    let last = ''
    let view: View | undefined
    await vi.waitFor(async () => {
      if (fired.some((f) => f.failure)) return
      view = await observe()
      const signature = JSON.stringify([history.length, view.pools, view.views.map((v) => [v.inspection.snapshot?.value, v.inspection.effectsPending])])
      const still = signature === last
      last = signature
      if (!still || !view.quiet) throw new Error(`not quiescent: ${signature}`)
    }, { timeout: 5_000, interval: 5 })
    const failed = fired.find((f) => f.failure)
    if (failed) throw failed.failure
    const holders = new Set(runs.filter((r) => dead.has(r.label) || view!.busy.has(r.label)).map((r) => r.runId))
    for (const [k, pool] of view!.pools.entries()) {
      for (const lease of pool?.leases ?? []) expect(holders.has(lease.runId), `${keys[k]}: lease of ${lease.runId}, which neither executes nor died`).toBe(true)
      if (pool && pool.waiting.length > 0) expect(pool.leases.length, `${keys[k]}: runs queue while a slot is free`).toBe(s.limit)
    }
    return view!
  }

  const act = async (view: View, action: Action, pick: number): Promise<void> => {
    const choose = <T,>(xs: readonly T[]): T | undefined => xs[pick % Math.max(1, xs.length)]
    const name = action === 'open' ? choose([...view.open.keys()]) : action === 'zombie' ? zombies.splice(pick % Math.max(1, zombies.length), 1)[0] : undefined
    if (name) openGate(name)
    const sleeper = action === 'wake' ? choose(view.views.filter((v) => v.inspection.snapshot?.value === 'sleeping')) : undefined
    if (sleeper) fired.push(fire(sleeper.run.runId))
    const resumed = action === 'resume' ? choose(runs.filter((r) => dead.has(r.label))) : undefined
    if (resumed) (dead.delete(resumed.label), fired.push(fire(resumed.runId)))
    if (action === 'abort') {
      for (const [name, e] of view.open) (zombies.push(name), dead.add(e.label))
      await abortAllDurableObjects()
      record({ kind: 'abort', label: '', key: '', step: '', entry: 0 })
    } else if (action === 'evict') await evictDurableObject(rawSlot(slotOf(pick % keys.length)))
    // Time travel on a pool only when all its leases are dead runs' (see the model above).
    const leases = view.pools[pick % keys.length]?.leases ?? []
    const deadOnly = leases.length > 0 && leases.every((l) => runs.some((r) => r.runId === l.runId && dead.has(r.label)))
    if (action === 'expire' && deadOnly) await runDurableObjectAlarm(rawSlot(slotOf(pick % keys.length)))
  }

  for (const run of runs) run.runId = await startRun(functionId, `flow/history-${s.limit}`, { label: run.label, key: keys[run.key], program: run.program })
  for (const [action, pick] of s.actions) await act(await settle(), action, pick)
  // Liveness: with no more crashes, opening gates and firing alarms finishes every run.
  for (let round = 0; ; round++) {
    expect(round, 'rounds to finish every run').toBeLessThan(200)
    const view = await settle()
    const sleeping = view.views.some((v) => v.inspection.snapshot?.value === 'sleeping')
    const next = dead.size > 0 ? 'resume' : view.open.size > 0 ? 'open' : sleeping ? 'wake' : zombies.length > 0 ? 'zombie' : undefined
    if (next) await act(view, next, 0)
    else if (view.views.every((v) => v.inspection.status === 'Completed')) break
    else throw new Error(`stuck: ${JSON.stringify(view.views.map((v) => [v.run.label, v.inspection.status, v.inspection.snapshot?.value]))}`)
  }
  const { aborted, completed } = scan(history.slice(from), s.limit)
  for (const run of runs) {
    const steps = run.program.flatMap((op, i) => (op === 'run' ? [historyStepId(op, i)] : []))
    // Executions 0 … n−1 of a body were aborted, execution n completed once, and the run recorded n.
    const entries = steps.map((step) => [...aborted.values()].filter((e) => e.label === run.label && e.step === step).length)
    expect(steps.map((step) => completed.get(`${run.label}:${step}`)), `${run.label} completions`).toEqual(entries.map((n) => [n]))
    expect((await inspect(run.runId)).output, `${run.label} output`).toEqual(entries)
  }
}

/**
 * Throttle. Start times are the slot actor's own record (its clock, or the time a fired alarm was
 * set for). GCRA (T = period / limit, τ = (limit + burst − 1) × T) lets k + 1 starts, in any order,
 * fall within a span only if k × T ≤ span + τ; times limit: k × period ≤ span × limit + (limit +
 * burst − 1) × period, so at most 2 × limit + burst per window of length period. None is dropped.
 */
type ThrottleAction = 'send' | 'alarm' | 'evict' | 'abort'
const throttleArb = fc.record({
  fn: fc.nat(HISTORY_THROTTLES.length - 1),
  n: fc.integer({ min: 3, max: 9 }),
  actions: fc.array(fc.constantFrom<ThrottleAction>('send', 'send', 'send', 'alarm', 'alarm', 'evict', 'abort'), { minLength: 4, maxLength: 16 }),
})

async function driveThrottle({ fn, n, actions }: { fn: number; n: number; actions: readonly ThrottleAction[] }): Promise<void> {
  const { id, limit, periodMs, burst } = HISTORY_THROTTLES[fn]!
  const key = uniqueLabel('throttle-key')
  const slot = `slot:throttle:shop-${id}:${key}`
  const runs: Array<{ label: string; runId: string }> = []
  const firedAt: number[] = []
  /** Every run completed, or queued in the throttle. */
  const settle = () =>
    vi.waitFor(async () => {
      const queue = (await slotState<ThrottleState<string>>(slot))?.queue ?? []
      for (const { runId } of runs) {
        const { status, snapshot, effectsPending } = await inspect(runId)
        if (effectsPending || (status !== 'Completed' && !(snapshot?.value === 'queued' && queue.includes(runId)))) throw new Error(`run ${runId} is ${status}`)
      }
    }, { timeout: 5_000, interval: 5 })
  const act = async (action: ThrottleAction): Promise<void> => {
    await settle()
    if (action === 'send' && runs.length < n) {
      const label = uniqueLabel('throttled')
      runs.push({ label, runId: await startRun(`shop-${id}`, `flow/${id}`, { label, key }) })
    } else if (action === 'alarm') {
      const at = await runInDurableObject(rawSlot(slot), (_, state) => state.storage.getAlarm())
      if (at !== null && (await runDurableObjectAlarm(rawSlot(slot)))) firedAt.push(at)
    } else if (action === 'evict') await evictDurableObject(rawSlot(slot))
    else if (action === 'abort') await abortAllDurableObjects()
  }
  for (const action of actions) await act(action)
  while (runs.length < n) await act('send')
  for (let round = 0; round <= n; round++) await act('alarm')
  await settle()
  const realNow = Date.now()

  for (const { runId } of runs) expect((await inspect(runId)).status, 'every run completes').toBe('Completed')
  const labels = runs.map((r) => r.label)
  expect(history.filter((e) => e.kind === 'start' && labels.includes(e.label)).map((e) => e.label).sort(), 'each run starts once').toEqual([...labels].sort())
  const rows = await slotRows<{ run_id: string; at: number }>(slot, 'SELECT run_id, at FROM inngest_slot_started')
  expect(rows.map((r) => r.run_id).sort()).toEqual(runs.map((r) => r.runId).sort())
  const at = new Map(rows.map((r) => [r.run_id, r.at]))
  for (const { runId } of runs.slice(0, limit + burst)) expect(at.get(runId)!, 'the burst starts on arrival').toBeLessThanOrEqual(realNow)
  for (const time of at.values()) if (time > realNow) expect(firedAt, 'a start ahead of the clock is a fired alarm').toContain(time)
  const times = [...at.values()].sort((a, b) => a - b)
  for (const [i, first] of times.entries()) {
    for (const [j, last] of times.entries()) if (j > i) expect((j - i) * periodMs, `starts ${i}…${j} of ${times.join(', ')}`).toBeLessThanOrEqual((last - first) * limit + (limit + burst - 1) * periodMs)
    expect(times.filter((t) => t >= first && t <= first + periodMs).length, `starts in [${first}, +period]`).toBeLessThanOrEqual(2 * limit + burst)
  }
}

describe('flow control histories', () => {
  it('never lets more than the limit of runs per key execute, survives aborts and finishes every run', { timeout: 120_000 }, async () => {
    await fc.assert(fc.asyncProperty(scenarioArb, driveConcurrency), seedParams({ numRuns: 15 }))
  })

  it('never starts more than the GCRA bound of a throttle and drops no run', { timeout: 60_000 }, async () => {
    await fc.assert(fc.asyncProperty(throttleArb, driveThrottle), seedParams({ numRuns: 15 }))
  })
})
