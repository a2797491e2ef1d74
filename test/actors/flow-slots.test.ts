import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { SlotStore } from '../../actors/storage/slot-store.js'
import '../fixtures/flow-functions.js'
import { gate, hits, openGate, uniqueLabel } from '../fixtures/probes.js'
import { stateOf, testEnv, trigger, waitForRun } from '../fixtures/runs.js'

const rawRun = (runId: string) => testEnv.INNGEST_RUNS.get(testEnv.INNGEST_RUNS.idFromName(runId))
const rawSlot = (name: string) => testEnv.INNGEST_SLOTS.get(testEnv.INNGEST_SLOTS.idFromName(name))
/** The runs waiting in slot `name`'s queue: they asked for it and were refused. */
const waitingIn = (name: string) => runInDurableObject(rawSlot(name), (_, state) => new SlotStore(state.storage).queueHead<unknown>(100).map((row) => row.runId))

describe('concurrency', () => {
  it('runs one run per user at a time; a sleeping run holds no slot', async () => {
    const user = uniqueLabel('user')
    const [a, b, other] = [uniqueLabel('a'), uniqueLabel('b'), uniqueLabel('c')]
    // Gates made here, not inside a run's object: opening them reaches into no object's context.
    for (const label of [a, b, other]) void gate(`per-user:${label}`)
    const runA = await trigger('flow/per-user', { label: a, userId: user }, 'shop-per-user')
    await expect.poll(() => hits(`per-user-start:${a}`)).toBe(1)
    const runB = await trigger('flow/per-user', { label: b, userId: user }, 'shop-per-user')
    await trigger('flow/per-user', { label: other, userId: uniqueLabel('someone-else') }, 'shop-per-user')
    await expect.poll(() => hits(`per-user-start:${other}`)).toBe(1)
    await expect.poll(() => waitingIn(`slot:concurrency:fn:shop-per-user:event.data.userId:${user}`)).toEqual([runB])
    expect(hits(`per-user-start:${b}`)).toBe(0)
    openGate(`per-user:${a}`)
    await waitForRun(runA, (r) => stateOf(r) === 'sleeping')
    await expect.poll(() => hits(`per-user-start:${b}`)).toBe(1)
    openGate(`per-user:${b}`)
    await waitForRun(runB, (r) => stateOf(r) === 'sleeping')
  })

  it('never executes more than the limit at once (limit 5)', async () => {
    const labels = Array.from({ length: 7 }, () => uniqueLabel('five'))
    for (const label of labels) void gate(`five:${label}`)
    const before = hits('five-start')
    const runs = await Promise.all(labels.map((label) => trigger('flow/limit-five', { label }, 'shop-limit-five')))
    await expect.poll(() => hits('five-start') - before).toBe(5)
    // The other two asked for a slot and wait for one (runs of earlier tests may wait too).
    const waitingRuns = async () => {
      const waiting = await waitingIn('slot:concurrency:fn:shop-limit-five::')
      return runs.filter((runId) => waiting.includes(runId)).length
    }
    await expect.poll(waitingRuns).toBe(2)
    expect(hits('five-start') - before).toBe(5)
    for (const label of labels) openGate(`five:${label}`)
    await expect.poll(() => hits('five-start') - before).toBe(7)
  })

  it('stops a run at its next step when its lease expired, until it holds a slot again', async () => {
    const user = uniqueLabel('user')
    const [a, b] = [uniqueLabel('a'), uniqueLabel('b')]
    for (const label of [a, b]) void gate(`two:${label}`)
    const runA = await trigger('flow/two-steps', { label: a, userId: user }, 'shop-two-steps')
    await expect.poll(() => hits(`two-first:${a}`)).toBe(1)
    await trigger('flow/two-steps', { label: b, userId: user }, 'shop-two-steps')
    // A's lease expires (its holder looks dead): B gets the slot.
    await runDurableObjectAlarm(rawSlot(`slot:concurrency:fn:shop-two-steps:event.data.userId:${user}`))
    await expect.poll(() => hits(`two-first:${b}`)).toBe(1)
    // A's watchdog finds its lease gone; A finishes its step in flight but starts no new one.
    await runDurableObjectAlarm(rawRun(runA))
    openGate(`two:${a}`)
    // A records its step in flight, then asks for a slot again before its next one, and waits.
    const slot = `slot:concurrency:fn:shop-two-steps:event.data.userId:${user}`
    await waitForRun(runA, (r) => r.steps.some((s) => s.id === 'first' && s.status === 'completed'))
    await expect.poll(() => waitingIn(slot)).toContain(runA)
    expect(hits(`two-second:${a}`)).toBe(0)
    openGate(`two:${b}`)
    await expect.poll(() => [hits(`two-second:${b}`), hits(`two-second:${a}`)]).toEqual([1, 1])
    expect(hits(`two-first:${a}`)).toBe(1)
  })
})

describe('throttle', () => {
  it('starts the burst at once, queues the rest in order, and never drops one', async () => {
    const user = uniqueLabel('user')
    const labels = [uniqueLabel('t'), uniqueLabel('t'), uniqueLabel('t')]
    const runs = []
    for (const label of labels) runs.push(await trigger('flow/tight', { label, userId: user }, 'shop-tight-throttle'))
    await expect.poll(() => labels.map((label) => hits(`tight:${label}`))).toEqual([1, 1, 0])
    expect(stateOf(await waitForRun(runs[2]!, (r) => stateOf(r) === 'queued'))).toBe('queued')
    expect(await runDurableObjectAlarm(rawSlot(`slot:throttle:shop-tight-throttle:${user}`))).toBe(true)
    await waitForRun(runs[2]!, (r) => r.status === 'Completed')
    expect(hits(`tight:${labels[2]}`)).toBe(1)
  })

  it('admits the seed throttle (10 per minute) without delaying the first ten', async () => {
    const labels = Array.from({ length: 10 }, () => uniqueLabel('ten'))
    await Promise.all(labels.map((label) => trigger('flow/throttled', { label }, 'shop-throttled')))
    await expect.poll(() => labels.every((label) => hits(`throttled:${label}`) === 1)).toBe(true)
  })
})

describe('timeouts', () => {
  it('cancels a run that waited too long to start', async () => {
    const user = uniqueLabel('user')
    const runs = []
    for (let i = 0; i < 3; i++) runs.push(await trigger('flow/tight', { label: uniqueLabel('late'), userId: user }, 'shop-tight-throttle'))
    await waitForRun(runs[2]!, (r) => stateOf(r) === 'queued')
    await runDurableObjectAlarm(rawRun(runs[2]!))
    const run = await waitForRun(runs[2]!, (r) => r.status === 'Cancelled')
    expect(run.snapshot!.context.error!.message).toMatch(/timeouts\.start/)
  })

  it('cancels a run that took too long to finish', async () => {
    const label = uniqueLabel('slow')
    const runId = await trigger('flow/finish-timeout', { label }, 'shop-finish-timeout')
    const sleeping = await waitForRun(runId, (r) => stateOf(r) === 'sleeping')
    expect(sleeping.snapshot!.context.timers[0]!.at - sleeping.snapshot!.context.startedAt!).toBeGreaterThanOrEqual(3_600_000)
    await runDurableObjectAlarm(rawRun(runId))
    const run = await waitForRun(runId, (r) => r.status === 'Cancelled')
    expect(run.snapshot!.context.error!.message).toMatch(/timeouts\.finish/)
    expect(hits(`finished-late:${label}`)).toBe(0)
  })
})
