/**
 * `@dotdo/inngest/test`, used as the `@inngest/test` docs use `InngestTestEngine`: the handler
 * runs on the real engine pass, in this isolate, with mocked steps, skipped sleeps and spies.
 */
import { describe, expect, it } from 'vitest'
import { InngestTestEngine } from '../../src/testing/index.js'
import { NonRetriableError } from '../../src/index.js'
import { inngest } from '../fixtures/seed-functions.js'

const demo = inngest.createFunction({ id: 'test-engine-demo' }, { event: 'demo/event.sent' }, async ({ event, step }) => {
  const greeting = await step.run('greet', () => `${(event.data as { message: string }).message}, world`)
  await step.sleep('nap', '1h')
  const price = await step.run('fetch-price', async () => 42)
  return { greeting, price }
})

let bodyRuns = 0
const counted = inngest.createFunction({ id: 'test-engine-counted' }, { event: 'demo/counted' }, async ({ step }) => {
  const first = await step.run('first', () => ++bodyRuns)
  await step.sleep('pause', '10m')
  const second = await step.run('second', () => first + 1)
  return second
})

let flakyAttempts = 0
const flaky = inngest.createFunction({ id: 'test-engine-flaky', retries: 2 }, { event: 'demo/flaky' }, async ({ step }) => {
  return step.run('flaky', () => {
    if (++flakyAttempts < 3) throw new Error(`attempt ${flakyAttempts} failed`)
    return 'third time lucky'
  })
})

const failing = inngest.createFunction({ id: 'test-engine-failing', retries: 1 }, { event: 'demo/failing' }, async ({ step }) => {
  await step.run('explode', () => {
    throw new NonRetriableError('step exploded')
  })
  return 'unreachable'
})

const waiting = inngest.createFunction({ id: 'test-engine-waiting' }, { event: 'demo/wait' }, async ({ step }) => {
  const approval = await step.waitForEvent('await-approval', { event: 'demo/approved', timeout: '1d' })
  const sent = await step.sendEvent('notify', { name: 'demo/notified', data: { approved: approval !== null } })
  return { approved: approval === null ? null : (approval as { data: unknown }).data, sentIds: sent.ids.length }
})

const invoking = inngest.createFunction({ id: 'test-engine-invoking' }, { event: 'demo/invoke' }, async ({ step }) => step.invoke('call-child', { function: demo, data: { message: 'x' } }))

describe('InngestTestEngine', () => {
  it('runs a function to its result, skipping sleeps', async () => {
    const t = new InngestTestEngine({ function: demo })
    const { result, error } = await t.execute({ events: [{ name: 'demo/event.sent', data: { message: 'Hi' } }] })
    expect(error).toBeUndefined()
    expect(result).toEqual({ greeting: 'Hi, world', price: 42 })
  })

  it('runs a mocked step’s handler in place of its body', async () => {
    const t = new InngestTestEngine({ function: demo, events: [{ name: 'demo/event.sent', data: { message: 'Hi' } }] })
    const { result, state } = await t.execute({ steps: [{ id: 'fetch-price', handler: () => 7 }] })
    expect(result).toEqual({ greeting: 'Hi, world', price: 7 })
    await expect(state['fetch-price']).resolves.toBe(7)
    await expect(state['greet']).resolves.toBe('Hi, world')
  })

  it('spies on the step tools: ctx.step.run is called once per step in the last pass', async () => {
    const t = new InngestTestEngine({ function: demo, events: [{ name: 'demo/event.sent', data: { message: 'Hi' } }] })
    const { ctx } = await t.execute()
    expect(ctx.step.run).toHaveBeenCalledWith('greet', expect.any(Function))
    expect(ctx.step.run).toHaveBeenCalledTimes(2)
    expect(ctx.step.sleep).toHaveBeenCalledWith('nap', '1h')
  })

  it('never re-runs a memoized step body between passes', async () => {
    bodyRuns = 0
    const { result } = await new InngestTestEngine({ function: counted, events: [{ name: 'demo/counted' }] }).execute()
    expect(result).toBe(2)
    expect(bodyRuns).toBe(1)
  })

  it('executeStep stops once the step has run', async () => {
    bodyRuns = 0
    const t = new InngestTestEngine({ function: counted, events: [{ name: 'demo/counted' }] })
    const { result, step } = await t.executeStep('first')
    expect(result).toBe(1)
    expect(step).toMatchObject({ id: 'first', op: 'run', status: 'completed' })
    const later = await t.executeStep('second', { steps: [{ id: 'first', handler: () => 10 }] })
    expect(later.result).toBe(11)
    await expect(t.executeStep('missing')).rejects.toThrow(/step "missing" was never reached/)
  })

  it('retries a failing step as the function’s retries allow', async () => {
    flakyAttempts = 0
    const { result } = await new InngestTestEngine({ function: flaky, events: [{ name: 'demo/flaky' }] }).execute()
    expect(result).toBe('third time lucky')
    expect(flakyAttempts).toBe(3)
  })

  it('returns the error when a step fails for good and the handler does not catch it', async () => {
    const { result, error, state } = await new InngestTestEngine({ function: failing, events: [{ name: 'demo/failing' }] }).execute()
    expect(result).toBeUndefined()
    expect(error).toMatchObject({ name: 'NonRetriableError', message: 'step exploded' })
    await expect(state['explode']).rejects.toThrow('step exploded')
  })

  it('fails a step whose mock throws', async () => {
    const t = new InngestTestEngine({ function: demo, events: [{ name: 'demo/event.sent', data: { message: 'Hi' } }] })
    const { error } = await t.clone({ steps: [{ id: 'greet', handler: () => { throw new NonRetriableError('mocked failure') } }] }).execute()
    expect((error as Error).message).toBe('mocked failure')
  })

  it('resolves waitForEvent with null, or with the mocked event, and records sendEvent', async () => {
    const t = new InngestTestEngine({ function: waiting, events: [{ name: 'demo/wait' }] })
    const timedOut = await t.execute()
    expect(timedOut.result).toEqual({ approved: null, sentIds: 1 })
    expect(timedOut.sentEvents).toMatchObject([{ name: 'demo/notified', data: { approved: false } }])
    const approved = await t.execute({ steps: [{ id: 'await-approval', handler: () => ({ name: 'demo/approved', data: { by: 'ada' } }) }] })
    expect(approved.result).toEqual({ approved: { by: 'ada' }, sentIds: 1 })
    expect(approved.ctx.step.sendEvent).toHaveBeenCalledWith('notify', { name: 'demo/notified', data: { approved: true } })
  })

  it('returns a mocked invoke’s result, and fails an invoke that is not mocked', async () => {
    const t = new InngestTestEngine({ function: invoking, events: [{ name: 'demo/invoke' }] })
    expect((await t.execute({ steps: [{ id: 'call-child', handler: () => ({ ok: true }) }] })).result).toEqual({ ok: true })
    const { error } = await t.execute()
    expect((error as Error).message).toMatch(/step.invoke is not run by InngestTestEngine/)
  })
})
