import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { eventIndexStub, shardOf } from '../../actors/internal.js'
import { hits, uniqueLabel } from '../fixtures/probes.js'
import { runIdFor, sendEvent, stateOf, testEnv, trigger, waitForRun } from '../fixtures/runs.js'

const rawStub = (runId: string) => testEnv.INNGEST_RUNS.get(testEnv.INNGEST_RUNS.idFromName(runId))

/** Resolves once event `id` was delivered (its streams ingested it): its index shard marks it routed. */
async function delivered(id: string): Promise<void> {
  const shard = testEnv.INNGEST_EVENT_INDEX.get(testEnv.INNGEST_EVENT_INDEX.idFromName(`events:${shardOf(id)}`))
  const routed = () => runInDurableObject(shard, (_, state) => state.storage.sql.exec<{ routed: number }>('SELECT routed FROM inngest_events WHERE id = ?', id).one().routed)
  await expect.poll(routed).toBe(1)
}

describe('waitForEvent', () => {
  it('resumes with the first matching event, ignoring others', async () => {
    const orderId = uniqueLabel('order')
    const runId = await trigger('approval/requested', { label: orderId, orderId }, 'shop-await-approval')
    await waitForRun(runId, (r) => stateOf(r) === 'waiting')
    await sendEvent('approval/granted', { orderId: 'someone-else', by: 'mallory' })
    await sendEvent('approval/granted', { orderId, by: 'alice' })
    const run = await waitForRun(runId, (r) => r.status === 'Completed')
    expect(run.output).toEqual({ by: 'alice' })
    expect(run.steps[0]).toMatchObject({ id: 'approval', kind: 'wait', status: 'completed' })
  })

  it('survives eviction while waiting', async () => {
    const orderId = uniqueLabel('order')
    const runId = await trigger('approval/requested', { label: orderId, orderId }, 'shop-await-approval')
    await waitForRun(runId, (r) => stateOf(r) === 'waiting')
    await evictDurableObject(rawStub(runId))
    await sendEvent('approval/granted', { orderId, by: 'bob' })
    expect((await waitForRun(runId, (r) => r.status === 'Completed')).output).toEqual({ by: 'bob' })
  })

  it('does not miss an event that arrived after the trigger but before the wait was registered', async () => {
    const orderId = uniqueLabel('order')
    const runId = await trigger('approval/requested', { label: orderId, orderId, napFirst: true }, 'shop-await-approval')
    await waitForRun(runId, (r) => stateOf(r) === 'sleeping')
    await delivered(await sendEvent('approval/granted', { orderId, by: 'early' }))
    await runDurableObjectAlarm(rawStub(runId))
    expect((await waitForRun(runId, (r) => r.status === 'Completed')).output).toEqual({ by: 'early' })
  })

  it('gives each wait of a loop the next event: none twice, none missed', async () => {
    const queue = uniqueLabel('queue')
    const runId = await trigger('queue/opened', { queue }, 'shop-drain-queue')
    await waitForRun(runId, (r) => stateOf(r) === 'sleeping')
    await delivered(await sendEvent('queue/item', { queue, n: 1 }))
    await delivered(await sendEvent('queue/item', { queue, n: 2 }))
    await runDurableObjectAlarm(rawStub(runId))
    await waitForRun(runId, (r) => stateOf(r) === 'waiting' && r.steps.length === 4)
    await sendEvent('queue/item', { queue, n: 3 })
    expect((await waitForRun(runId, (r) => r.status === 'Completed')).output).toEqual([1, 2, 3])
  })

  it('filters with a CEL if over the trigger and the candidate', async () => {
    const account = uniqueLabel('acct')
    const runId = await trigger('payment/expected', { account }, 'shop-await-big-payment')
    await waitForRun(runId, (r) => stateOf(r) === 'waiting')
    await sendEvent('payment/received', { account, amount: 50 })
    await sendEvent('payment/received', { account: 'other', amount: 500 })
    await sendEvent('payment/received', { account, amount: 150.5 })
    expect((await waitForRun(runId, (r) => r.status === 'Completed')).output).toBe(150.5)
  })

  it.each([
    ['timeout', /step "approval" timeout .*"5x"/],
    ['if', /step "approval" if: "async\.data\.plan ==" is not a valid CEL expression/],
  ])('fails the run at the call when the %s is bad, naming the step', async (kind, message) => {
    const runId = await trigger('waits/bad', { kind }, 'shop-bad-waits')
    const run = await waitForRun(runId, (r) => r.status === 'Failed')
    expect(run.snapshot!.context.error!.message).toMatch(message)
    expect(run.snapshot!.context.attempt).toBe(0)
  })

  it('times out to null', async () => {
    const account = uniqueLabel('acct')
    const runId = await trigger('payment/expected', { account }, 'shop-await-big-payment')
    await waitForRun(runId, (r) => stateOf(r) === 'waiting')
    await runDurableObjectAlarm(rawStub(runId))
    expect((await waitForRun(runId, (r) => r.status === 'Completed')).output).toBeNull()
  })
})

describe('step.invoke', () => {
  it('returns the child run output', async () => {
    const runId = await trigger('parent/start', { label: uniqueLabel('p'), n: 21 }, 'shop-parent')
    expect((await waitForRun(runId, (r) => r.status === 'Completed')).output).toEqual({ doubled: 42 })
  })

  it('throws a StepError when the child fails', async () => {
    const runId = await trigger('parent/start', { label: uniqueLabel('p'), n: 1, fail: true }, 'shop-parent')
    const run = await waitForRun(runId, (r) => r.status === 'Completed')
    expect(run.output).toEqual({ error: 'NonRetriableError', message: 'child failed for 1' })
  })

  it('throws InngestInvokeTimeoutError when the child does not finish in time', async () => {
    const runId = await trigger('parent/start', { label: uniqueLabel('p'), n: 1, hang: true }, 'shop-parent')
    await waitForRun(runId, (r) => stateOf(r) === 'waiting')
    await runDurableObjectAlarm(rawStub(runId))
    const run = await waitForRun(runId, (r) => r.status === 'Completed')
    expect(run.output).toMatchObject({ error: 'InngestInvokeTimeoutError' })
  })
})

describe('step.sendEvent', () => {
  it('sends once, returns memoized ids, and triggers other functions', async () => {
    const label = uniqueLabel('send')
    const runId = await trigger('sender/start', { label }, 'shop-sender')
    const sleeping = await waitForRun(runId, (r) => stateOf(r) === 'sleeping')
    await evictDurableObject(rawStub(runId))
    await runDurableObjectAlarm(rawStub(runId))
    const run = await waitForRun(runId, (r) => r.status === 'Completed')
    expect(run.output).toEqual(sleeping.steps[0]!.output)
    expect((run.output as { ids: string[] }).ids).toHaveLength(2)
    await expect.poll(() => hits(`notified:${label}`)).toBe(2)
  })
})

describe('cancelOn', () => {
  it('cancels a matching run, clears its alarm, and starts no new step', async () => {
    const orderId = uniqueLabel('order')
    const runId = await trigger('order/placed', { orderId }, 'shop-cancellable')
    await waitForRun(runId, (r) => stateOf(r) === 'sleeping')
    await sendEvent('order/cancelled', { orderId: 'another' })
    await sendEvent('order/cancelled', { orderId })
    const run = await waitForRun(runId, (r) => r.status === 'Cancelled')
    expect(run.snapshot!.context.error!.message).toMatch(/Cancelled by event order\/cancelled/)
    expect(await runDurableObjectAlarm(rawStub(runId))).toBe(false)
    expect(hits(`shipped:${orderId}`)).toBe(0)
  })
})

describe('routing', () => {
  it('fans one event out to every function it triggers, with wildcards and if', async () => {
    const free = uniqueLabel('free')
    const pro = uniqueLabel('pro')
    await sendEvent('fan/out', { label: free, plan: 'free' })
    await sendEvent('fan/out', { label: pro, plan: 'pro' })
    await expect.poll(() => [hits(`fan-a:${free}`), hits(`fan-b:${free}`), hits(`pro:${free}`)]).toEqual([1, 1, 0])
    await expect.poll(() => [hits(`fan-a:${pro}`), hits(`fan-b:${pro}`), hits(`pro:${pro}`)]).toEqual([1, 1, 1])
  })

  it('emits inngest/function.finished, which other functions can trigger on', async () => {
    const eventId = await sendEvent('test/hello', { name: 'system' })
    const runId = await runIdFor(eventId, 'shop-hello-world')
    await waitForRun(runId, (r) => r.status === 'Completed')
    await expect.poll(() => hits(`finished:${runId}`)).toBe(1)
    // Announced without an index claim, then filed by the consumer: listed like any event.
    const finishedId = `${runId}-finished`
    const index = eventIndexStub(testEnv.INNGEST_EVENT_INDEX, shardOf(finishedId))
    await expect.poll(async () => (await index.get(finishedId))?.event).toMatchObject({ name: 'inngest/function.finished', data: { run_id: runId, result: expect.anything() } })
  })
})
