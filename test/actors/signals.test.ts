import { evictDurableObject, runDurableObjectAlarm } from 'cloudflare:test'
import { exports } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { Inngest } from '../../src/index.js'
import { inngest } from '../fixtures/seed-functions.js'
import { uniqueLabel } from '../fixtures/probes.js'
import { stateOf, testEnv, trigger, waitForRun } from '../fixtures/runs.js'

const SIGNING_KEY = 'signkey-test-0123456789' // test/wrangler.toml
const rawStub = (runId: string) => testEnv.INNGEST_RUNS.get(testEnv.INNGEST_RUNS.idFromName(runId))

/** Starts a run waiting for `signal` and resolves once its wait is registered. */
async function waiter(signal: string, extra: Record<string, unknown> = {}): Promise<string> {
  const runId = await trigger('signals/await', { signal, ...extra }, 'shop-await-signal')
  await waitForRun(runId, (run) => stateOf(run) === 'waiting')
  // A signal takes only waits requested before it was sent (by the clock): step past this millisecond.
  await new Promise((resolve) => setTimeout(resolve, 5))
  return runId
}

describe('step.waitForSignal and inngest.sendSignal', () => {
  it('hands the waiting run the signal and its data, and names that run', async () => {
    const signal = uniqueLabel('approve')
    const runId = await waiter(signal)
    expect(await inngest.sendSignal({ signal, data: { approved: true } })).toEqual({ runId })
    const run = await waitForRun(runId, (r) => r.status === 'Completed')
    expect(run.output).toEqual({ received: { signal, data: { approved: true } } })
    expect(run.steps[0]).toMatchObject({ id: 'approval', kind: 'wait', status: 'completed' })
  })

  it('answers runId undefined when no run waits for the signal', async () => {
    expect(await inngest.sendSignal({ signal: uniqueLabel('nobody') })).toEqual({ runId: undefined })
  })

  it('gives a signal to one wait only: a second signal finds no one', async () => {
    const signal = uniqueLabel('once')
    const runId = await waiter(signal)
    expect(await inngest.sendSignal({ signal, data: { approved: true } })).toEqual({ runId })
    expect(await inngest.sendSignal({ signal, data: { approved: false } })).toEqual({ runId: undefined })
    expect((await waitForRun(runId, (r) => r.status === 'Completed')).output).toEqual({ received: { signal, data: { approved: true } } })
  })

  it('times out to null, and a later signal finds no one', async () => {
    const signal = uniqueLabel('late')
    const runId = await waiter(signal)
    await runDurableObjectAlarm(rawStub(runId))
    expect((await waitForRun(runId, (r) => r.status === 'Completed')).output).toEqual({ received: null })
    expect(await inngest.sendSignal({ signal, data: { approved: true } })).toEqual({ runId: undefined })
  })

  it('does not keep a signal sent after the run started but before its wait began', async () => {
    const signal = uniqueLabel('early')
    const runId = await trigger('signals/await', { signal, napFirst: true }, 'shop-await-signal')
    await waitForRun(runId, (r) => stateOf(r) === 'sleeping')
    await new Promise((resolve) => setTimeout(resolve, 5))
    expect(await inngest.sendSignal({ signal, data: { approved: false } })).toEqual({ runId: undefined })
    await new Promise((resolve) => setTimeout(resolve, 5))
    await runDurableObjectAlarm(rawStub(runId))
    await waitForRun(runId, (r) => stateOf(r) === 'waiting')
    // Still waiting: the wait's lookback (to the run's start) did not take the early signal.
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(stateOf(await waitForRun(runId, () => true))).toBe('waiting')
    expect(await inngest.sendSignal({ signal, data: { approved: true } })).toEqual({ runId })
    expect((await waitForRun(runId, (r) => r.status === 'Completed')).output).toEqual({ received: { signal, data: { approved: true } } })
  })

  it('delivers to a run evicted while it waits', async () => {
    const signal = uniqueLabel('evicted')
    const runId = await waiter(signal)
    await evictDurableObject(rawStub(runId))
    expect(await inngest.sendSignal({ signal, data: { approved: true } })).toEqual({ runId })
    expect((await waitForRun(runId, (r) => r.status === 'Completed')).output).toEqual({ received: { signal, data: { approved: true } } })
  })

  it('with onConflict "replace", gives the signal to the newer wait; the replaced one waits until its timeout', async () => {
    const signal = uniqueLabel('replace')
    const first = await waiter(signal, { onConflict: 'replace' })
    const second = await waiter(signal, { onConflict: 'replace' })
    expect(await inngest.sendSignal({ signal, data: { approved: true } })).toEqual({ runId: second })
    expect((await waitForRun(second, (r) => r.status === 'Completed')).output).toEqual({ received: { signal, data: { approved: true } } })
    expect(stateOf(await waitForRun(first, () => true))).toBe('waiting')
    expect(await inngest.sendSignal({ signal, data: { approved: false } })).toEqual({ runId: undefined })
    await runDurableObjectAlarm(rawStub(first))
    expect((await waitForRun(first, (r) => r.status === 'Completed')).output).toEqual({ received: null })
  })

  it('fails the second wait for a signal already awaited (onConflict "fail", the default); the first still gets it', async () => {
    const signal = uniqueLabel('signal-conflict')
    const first = await waiter(signal)
    const second = await trigger('signals/await', { signal }, 'shop-await-signal')
    const failed = await waitForRun(second, (r) => r.status === 'Failed')
    expect(failed.snapshot!.context.error!.message).toMatch(/Signal conflict: another run is already waiting for signal ".*"\. Fix: pass onConflict: "replace"/)
    expect(await inngest.sendSignal({ signal, data: { approved: true } })).toEqual({ runId: first })
    expect((await waitForRun(first, (r) => r.status === 'Completed')).output).toEqual({ received: { signal, data: { approved: true } } })
    // Once the first wait is over, the signal's name is free again.
    const third = await waiter(signal)
    expect(await inngest.sendSignal({ signal, data: { approved: false } })).toEqual({ runId: third })
  })

  it('sends a signal from a step, once: a replay answers the recorded run id', async () => {
    const signal = uniqueLabel('signal-step')
    const waiting = await waiter(signal)
    const sender = await trigger('signals/send', { signal }, 'shop-send-signal-step')
    await waitForRun(sender, (r) => stateOf(r) === 'sleeping')
    expect((await waitForRun(waiting, (r) => r.status === 'Completed')).output).toEqual({ received: { signal, data: { approved: true } } })
    await runDurableObjectAlarm(rawStub(sender))
    // Sent again, it would have found no run waiting ({ runId: undefined }).
    expect((await waitForRun(sender, (r) => r.status === 'Completed')).output).toEqual({ runId: waiting })
  })

  it('refuses a bad signal name at the call', async () => {
    await expect(inngest.sendSignal({ signal: '' })).rejects.toThrow(/signal must be a non-empty string/)
  })

  it('sends over HTTP with baseUrl (POST /v1/signals, the signing key as Bearer), as the official SDK does', async () => {
    const worker = (exports as unknown as { default: Fetcher }).default
    const remote = new Inngest({ id: 'remote', baseUrl: 'http://inngest.test', signingKey: SIGNING_KEY, fetch: ((input: RequestInfo | URL, init?: RequestInit) => worker.fetch(input, init)) as typeof fetch })
    const signal = uniqueLabel('remote')
    const runId = await waiter(signal)
    expect(await remote.sendSignal({ signal, data: { via: 'http' } })).toEqual({ runId })
    expect((await waitForRun(runId, (r) => r.status === 'Completed')).output).toEqual({ received: { signal, data: { via: 'http' } } })
    expect(await remote.sendSignal({ signal })).toEqual({ runId: undefined })
    const unsigned = new Inngest({ id: 'remote', baseUrl: 'http://inngest.test', fetch: remote.options.fetch })
    await expect(unsigned.sendSignal({ signal })).rejects.toThrow(/answered 401/)
  })
})
