/**
 * Typed events in the step tools, through the real queue and Durable Objects: `step.sendEvent`
 * validates its batch as `inngest.send` does, and `step.waitForEvent` and `cancelOn` take an
 * `eventType` where an event name goes.
 */
import { evictDurableObject, runDurableObjectAlarm } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { normalizeFunctionConfig } from '../../src/config/normalize-function-config.js'
import { hits, uniqueLabel } from '../fixtures/probes.js'
import { AUTH, request, sendEvent, stateOf, testEnv, trigger, waitForRun } from '../fixtures/runs.js'
import { orderCancelled } from '../fixtures/typed-step-functions.js'

const rawStub = (runId: string) => testEnv.INNGEST_RUNS.get(testEnv.INNGEST_RUNS.idFromName(runId))

/** Whether the event index holds an event with this id. */
async function stored(id: string): Promise<boolean> {
  return (await request(`/v1/events/${id}`, { headers: AUTH })).status === 200
}

describe('step.sendEvent', () => {
  it('sends valid events, validating them once: a replay returns the memoized ids without validating again', async () => {
    const label = uniqueLabel('announce')
    const runId = await trigger('typed-steps/announce', { label, mode: 'valid' }, 'shop-typed-announce')
    const sleeping = await waitForRun(runId, (r) => stateOf(r) === 'sleeping')
    expect(sleeping.steps[0]).toMatchObject({ id: 'announce', kind: 'sendEvent', status: 'completed', output: { ids: [`${label}-0`, `${label}-1`] } })
    await evictDurableObject(rawStub(runId))
    await runDurableObjectAlarm(rawStub(runId))
    const run = await waitForRun(runId, (r) => r.status === 'Completed')
    expect(run.output).toEqual({ ids: [`${label}-0`, `${label}-1`] })
    expect(hits(`receipt-validated:${label}`)).toBe(1)
    expect(await stored(`${label}-1`)).toBe(true)
    await expect.poll(() => hits(`typed-welcome:${label}`)).toBe(1)
  })

  it.each([
    ['invalid-literal', /^step "announce": event\[1\] "typed\/user\.signed-up" data is invalid: email: Invalid email address\. Fix: send data that matches the eventType schema of "typed\/user\.signed-up"\.$/],
    ['invalid-created', /^step "announce": event\[1\] "typed-steps\/receipt\.issued" data is invalid: total: .+\. Fix: send data that matches the eventType schema of "typed-steps\/receipt\.issued"\.$/],
    ['invalid-async', /^step "announce": event\[1\] "typed\/coupon\.redeemed" data is invalid: code: Unknown coupon\. Fix: /],
  ])('fails the step at once on %s data, publishing none of the batch', async (mode, message) => {
    const label = uniqueLabel(mode)
    const runId = await trigger('typed-steps/announce', { label, mode }, 'shop-typed-announce')
    const run = await waitForRun(runId, (r) => r.status === 'Failed')
    expect(run.snapshot!.context.error).toMatchObject({ name: 'EventValidationError' })
    expect(run.snapshot!.context.error!.message).toMatch(message)
    // Non-retriable: one attempt of the step, none of the run.
    expect(run.steps).toHaveLength(1)
    expect(run.steps[0]).toMatchObject({ id: 'announce', kind: 'sendEvent', status: 'failed', attempts: 1, error: { name: 'EventValidationError' } })
    expect(run.snapshot!.context.attempt).toBe(0)
    // The valid first event was not published either.
    expect(await stored(`${label}-0`)).toBe(false)
    expect(await stored(`${label}-1`)).toBe(false)
    expect(hits(`typed-welcome:${label}`)).toBe(0)
  })

  it('throws a StepError the handler can catch, and the run goes on', async () => {
    const label = uniqueLabel('caught')
    const runId = await trigger('typed-steps/announce', { label, mode: 'invalid-created', catchError: true }, 'shop-typed-announce')
    const run = await waitForRun(runId, (r) => r.status === 'Completed')
    expect(run.output).toMatchObject({
      caught: { name: 'EventValidationError', message: expect.stringMatching(/^step "announce": event\[1\] "typed-steps\/receipt\.issued" data is invalid: total: /) },
      fallback: { ids: [`${label}-fallback`] },
    })
    expect(await stored(`${label}-0`)).toBe(false)
    expect(await stored(`${label}-fallback`)).toBe(true)
  })
})

describe('step.waitForEvent with an eventType', () => {
  it('waits for the event type by name and returns the event as its schema outputs it', async () => {
    const label = uniqueLabel('invoice')
    const runId = await trigger('typed-steps/invoice.sent', { label }, 'shop-typed-await-payment')
    await waitForRun(runId, (r) => stateOf(r) === 'waiting')
    await sendEvent('typed-steps/invoice.paid', { label: 'someone-else', amount: 1 })
    await sendEvent('typed-steps/invoice.paid', { label, amount: 42 })
    const run = await waitForRun(runId, (r) => r.status === 'Completed')
    // `currency` is the schema's default: the recorded event has none.
    expect(run.output).toEqual({ name: 'typed-steps/invoice.paid', data: { label, amount: 42, currency: 'EUR' } })
    expect(run.steps[0]).toMatchObject({ id: 'paid', kind: 'wait', status: 'completed', output: { data: { label, amount: 42 } } })
  })

  it('fails the run without retries when the event it receives does not match the schema', async () => {
    const label = uniqueLabel('invoice-bad')
    const runId = await trigger('typed-steps/invoice.sent', { label }, 'shop-typed-await-payment')
    await waitForRun(runId, (r) => stateOf(r) === 'waiting')
    await sendEvent('typed-steps/invoice.paid', { label, amount: -3 })
    const run = await waitForRun(runId, (r) => r.status === 'Failed')
    expect(run.snapshot!.context.error).toMatchObject({ name: 'EventValidationError' })
    expect(run.snapshot!.context.error!.message).toMatch(
      /^step "paid": waitForEvent received "typed-steps\/invoice\.paid" \(id \w+\) with invalid data: amount: .+\. Fix: send data that matches the eventType schema of "typed-steps\/invoice\.paid"\.$/,
    )
    expect(run.snapshot!.context.attempt).toBe(0)
  })

  it('times out to null', async () => {
    const runId = await trigger('typed-steps/invoice.sent', { label: uniqueLabel('invoice-late') }, 'shop-typed-await-payment')
    await waitForRun(runId, (r) => stateOf(r) === 'waiting')
    await runDurableObjectAlarm(rawStub(runId))
    expect((await waitForRun(runId, (r) => r.status === 'Completed')).output).toBe('timed out')
  })
})

describe('cancelOn with an eventType', () => {
  it('normalises the event type to its name', () => {
    const config = { id: 'typed-cancel-config', cancelOn: [{ event: orderCancelled, match: 'data.orderId', timeout: '1h' }] }
    expect(normalizeFunctionConfig(config, 'typed-steps/order.placed').cancelOn).toEqual([
      { event: 'typed-steps/order.cancelled', if: 'event.data.orderId == async.data.orderId', timeoutMs: 3_600_000 },
    ])
  })

  it.each([
    ['v4', 'typed-steps/order.placed', 'shop-typed-cancellable'],
    ['v3', 'typed-steps/order.placed-v3', 'shop-typed-cancellable-v3'],
  ])('cancels a matching run (%s call shape)', async (_shape, name, functionId) => {
    const orderId = uniqueLabel('typed-order')
    const runId = await trigger(name, { orderId }, functionId)
    await waitForRun(runId, (r) => stateOf(r) === 'sleeping')
    await sendEvent('typed-steps/order.cancelled', { orderId: 'another' })
    await sendEvent('typed-steps/order.cancelled', { orderId })
    const run = await waitForRun(runId, (r) => r.status === 'Cancelled')
    expect(run.snapshot!.context.error!.message).toMatch(/Cancelled by event typed-steps\/order\.cancelled/)
    expect(hits(`typed-shipped:${orderId}`)).toBe(0)
  })
})
