import { runInDurableObject } from 'cloudflare:test'
import { describe, expect, it, vi } from 'vitest'
import { ulid } from 'ulid'
import { findFunction, hostedRunStub, RunHost, type RunInspection, type StartRunRequest } from '../../actors/index.js'
import { EMBEDDED_RUNS_BINDING } from '../fixtures/embedded-runs.js'
import { hits, uniqueLabel } from '../fixtures/probes.js'
import { sendEvent, testEnv } from '../fixtures/runs.js'

interface EmbeddedStub {
  startRun(request: StartRunRequest): Promise<unknown>
  inspect(): Promise<RunInspection>
}

/** Starts `functionId` in its own `EmbeddedRuns` object, named `name`, as a user's DO would. */
async function startEmbedded(name: string, functionId: string, event: { name: string; data: Record<string, unknown> }): Promise<{ stub: EmbeddedStub; runId: string }> {
  const stub = testEnv.EMBEDDED_RUNS.get(testEnv.EMBEDDED_RUNS.idFromName(name)) as unknown as EmbeddedStub
  const runId = ulid()
  await stub.startRun({ runId, functionId, events: [{ ...event, id: ulid(), ts: Date.now(), user: {} }] })
  return { stub, runId }
}

/** Polls the embedded run until `accept` holds and its effects are performed. */
async function waitForEmbedded(stub: EmbeddedStub, accept: (run: RunInspection) => boolean): Promise<RunInspection> {
  let last: RunInspection | undefined
  await vi.waitFor(
    async () => {
      last = await stub.inspect()
      if (!accept(last) || last.effectsPending) throw new Error(`embedded run is ${last.status} (${last.snapshot?.value})`)
    },
    { timeout: 5_000, interval: 10 },
  )
  return last!
}

const stateOf = (run: RunInspection) => run.snapshot?.value

describe('a run embedded in a Durable Object of the user', () => {
  it('gets the event its step.waitForEvent matches, through the queue, in its own object', async () => {
    const orderId = uniqueLabel('embedded-wait')
    const { stub, runId } = await startEmbedded(orderId, 'shop-await-approval', { name: 'approval/requested', data: { label: orderId, orderId } })
    await waitForEmbedded(stub, (run) => stateOf(run) === 'waiting')
    const stream = testEnv.INNGEST_EVENT_STREAMS.get(testEnv.INNGEST_EVENT_STREAMS.idFromName('stream:approval/granted'))
    const stored = await runInDurableObject(stream, (_instance, state) =>
      state.storage.sql.exec<{ host: string | null }>('SELECT host FROM inngest_stream_waits WHERE run_id = ?', runId).one(),
    )
    expect(JSON.parse(stored.host!)).toEqual({ binding: EMBEDDED_RUNS_BINDING, name: orderId })
    await sendEvent('approval/granted', { orderId, by: 'alice' })
    const run = await waitForEmbedded(stub, (r) => r.status === 'Completed')
    expect(run.output).toEqual({ by: 'alice' })
    expect(run.steps[0]).toMatchObject({ id: 'approval', kind: 'wait', status: 'completed' })
  })

  it('is cancelled by a cancelOn event, in its own object', async () => {
    const orderId = uniqueLabel('embedded-cancel')
    const { stub } = await startEmbedded(orderId, 'shop-cancellable', { name: 'order/placed', data: { orderId } })
    await waitForEmbedded(stub, (run) => stateOf(run) === 'sleeping')
    await sendEvent('order/cancelled', { orderId })
    const run = await waitForEmbedded(stub, (r) => r.status === 'Cancelled')
    expect(run.snapshot!.context.error!.message).toMatch(/Cancelled by event order\/cancelled/)
    expect(hits(`shipped:${orderId}`)).toBe(0)
  })

  it('gets the result of the child run its step.invoke started', async () => {
    const label = uniqueLabel('embedded-invoke')
    const { stub } = await startEmbedded(label, 'shop-parent', { name: 'parent/start', data: { label, n: 21 } })
    expect((await waitForEmbedded(stub, (r) => r.status === 'Completed')).output).toEqual({ doubled: 42 })
  })

  it('gets the error of a child run that failed', async () => {
    const label = uniqueLabel('embedded-invoke-fails')
    const { stub } = await startEmbedded(label, 'shop-parent', { name: 'parent/start', data: { label, n: 1, fail: true } })
    expect((await waitForEmbedded(stub, (r) => r.status === 'Completed')).output).toEqual({ error: 'NonRetriableError', message: 'child failed for 1' })
  })
})

describe('RunHostOptions.address', () => {
  it('needs a binding and a name, and says how to give them', async () => {
    const object = testEnv.EMBEDDED_RUNS.get(testEnv.EMBEDDED_RUNS.idFromName(uniqueLabel('embedded-address')))
    const problem = await runInDurableObject(object, (_instance, state) => {
      try {
        new RunHost({ ctx: state, resolve: findFunction, address: { binding: 'EMBEDDED_RUNS', name: undefined as unknown as string } })
        return null
      } catch (error) {
        return error as Error
      }
    })
    expect(problem).toBeInstanceOf(TypeError)
    expect(problem!.message).toMatch(/RunHost: address needs a binding and a name .* Fix: \{ binding: 'MY_DO', name: ctx\.id\.name \}/)
  })
})

describe('hostedRunStub', () => {
  const idOf = (stub: unknown) => (stub as DurableObjectStub).id

  it('addresses the run actor by run id when the run has no host', () => {
    expect(idOf(hostedRunStub(testEnv, 'run-1')).equals(testEnv.INNGEST_RUNS.idFromName('run-1'))).toBe(true)
  })

  it('addresses the hosting object by its binding and name', () => {
    const stub = hostedRunStub(testEnv, 'run-1', { binding: EMBEDDED_RUNS_BINDING, name: 'doc-7' })
    expect(idOf(stub).equals(testEnv.EMBEDDED_RUNS.idFromName('doc-7'))).toBe(true)
  })

  it('names the binding and the fix when env lacks it', () => {
    expect(() => hostedRunStub(testEnv, 'run-1', { binding: 'MISSING_DOCS', name: 'doc-7' })).toThrow(
      /run run-1 is hosted by object "doc-7" of the Durable Object binding MISSING_DOCS, which this worker's env does not have\. Fix: bind MISSING_DOCS/,
    )
  })
})
