/**
 * v4 step and request hooks through the real queue and Durable Objects, called in the order the
 * official SDK calls them (with steps executed in the request that finds them, as checkpointing
 * does): per pass `wrapRequest` outermost, each step call through `transformStepInput` and
 * `wrapStep`, each execution of a body through `onStepStart`, `wrapStepHandler` and
 * `onStepComplete`/`onStepError`, sends through `wrapSendEvent`. Also the serve arguments
 * middleware reads: the documented Cloudflare Workers + Hono pattern (`reqArgs[0].env`) and the
 * Workers one (`requestArgs[1]`).
 */
import { runDurableObjectAlarm } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { uniqueLabel } from '../fixtures/probes.js'
import { stateOf, testEnv, trigger, waitForRun } from '../fixtures/runs.js'
import { hookCalls, stepHooks } from '../fixtures/step-hook-functions.js'

const rawStub = (runId: string) => testEnv.INNGEST_RUNS.get(testEnv.INNGEST_RUNS.idFromName(runId))
const callsOf = (label: string) => hookCalls.get(label) ?? []

describe('step hooks on a run', () => {
  it('calls every hook in order for a new step, a sleep (two passes), a memoized step and a sent event', async () => {
    const label = uniqueLabel('hooks-flow')
    const runId = await trigger('step-hooks/flow', { label }, 'step-hooks-flow')
    await waitForRun(runId, (r) => stateOf(r) === 'sleeping')
    await expect.poll(() => callsOf(label).at(-1)).toBe('wrapRequest:206')
    await runDurableObjectAlarm(rawStub(runId))
    const run = await waitForRun(runId, (r) => r.status === 'Completed')
    expect(run.output).toEqual({ a: 1, b: 2 })
    const firstPass = [
      'wrapRequest',
      'transformFunctionInput',
      'onMemoizationEnd',
      'onRunStart',
      'transformStepInput:a:run:false',
      'wrapStep:a:false',
      'onStepStart:a',
      'wrapStepHandler:a',
      'onStepComplete:a:1',
      'wrapStep:a:done',
      'transformStepInput:nap:sleep:false',
      // The sleep suspends: its wrapStep's next() never settles in this pass.
      'wrapStep:nap:false',
      'wrapRequest:206',
    ]
    const secondPass = [
      'wrapRequest',
      'transformFunctionInput',
      // Replayed: no onStepStart, onStepComplete or wrapStepHandler for a memoized step.
      'transformStepInput:a:run:true',
      'wrapStep:a:true',
      'wrapStep:a:done',
      'transformStepInput:nap:sleep:true',
      // The last memoized step ends memoization before its wrapStep.
      'onMemoizationEnd',
      'wrapStep:nap:true',
      'wrapStep:nap:done',
      'transformStepInput:b:run:false',
      'wrapStep:b:false',
      'onStepStart:b',
      'wrapStepHandler:b',
      'onStepComplete:b:2',
      'wrapStep:b:done',
      'transformStepInput:announce:sendEvent:false',
      'wrapStep:announce:false',
      'onStepStart:announce',
      'wrapStepHandler:announce',
      'wrapSendEvent:1',
      'onStepComplete:announce:ids',
      'wrapStep:announce:done',
      'onRunComplete:{"a":1,"b":2}',
      'wrapRequest:200',
    ]
    await expect.poll(() => callsOf(label)).toEqual([...firstPass, ...secondPass])
  })

  it('reports a failed attempt to onStepError as not final, then runs the retry through the step hooks again', async () => {
    const label = uniqueLabel('hooks-retry')
    const runId = await trigger('step-hooks/retry', { label }, 'step-hooks-retry')
    await waitForRun(runId, (r) => stateOf(r) === 'retrying')
    await expect.poll(() => callsOf(label).at(-1)).toBe('wrapRequest:206')
    await runDurableObjectAlarm(rawStub(runId))
    const run = await waitForRun(runId, (r) => r.status === 'Completed')
    expect(run.output).toBe('ok')
    await expect.poll(() => callsOf(label).at(-1)).toBe('wrapRequest:200')
    expect(callsOf(label)).toEqual([
      'wrapRequest',
      'transformFunctionInput',
      'onMemoizationEnd',
      'onRunStart',
      'transformStepInput:flaky:run:false',
      'wrapStep:flaky:false',
      'onStepStart:flaky',
      'wrapStepHandler:flaky',
      'onStepError:flaky:flaky once:false',
      // The step waits for its retry: wrapStep's next() never settles in this pass.
      'wrapRequest:206',
      // The retry is the step's own execution, on attempt 1: no onRunStart; it ends with the step.
      'wrapRequest',
      'transformFunctionInput',
      'onMemoizationEnd',
      'transformStepInput:flaky:run:false',
      'wrapStep:flaky:false',
      'onStepStart:flaky',
      'wrapStepHandler:flaky',
      'onStepComplete:flaky:"ok"',
      'wrapRequest:206',
      // Then the handler goes on with the step memoized.
      'wrapRequest',
      'transformFunctionInput',
      'transformStepInput:flaky:run:true',
      'onMemoizationEnd',
      'wrapStep:flaky:true',
      'wrapStep:flaky:done',
      'onRunComplete:"ok"',
      'wrapRequest:200',
    ])
  })

  it('reports the last attempt as final to onStepError, and the StepError to wrapStep and onRunError', async () => {
    const label = uniqueLabel('hooks-fails')
    const runId = await trigger('step-hooks/fails', { label }, 'step-hooks-fails')
    await waitForRun(runId, (r) => r.status === 'Failed')
    await expect.poll(() => callsOf(label).at(-1)).toBe('wrapRequest:500')
    expect(callsOf(label).slice(4)).toEqual([
      'transformStepInput:broken:run:false',
      'wrapStep:broken:false',
      'onStepStart:broken',
      'wrapStepHandler:broken',
      'onStepError:broken:broken for good:true',
      // A StepError, named as the step's error was.
      'wrapStep:broken:threw Error',
      'onRunError:Error:true',
      'wrapRequest:500',
    ])
  })

  it('changes what the handler sees with wrapStep, and what is recorded with wrapStepHandler; a step wrapStep calls skips that wrapStep', async () => {
    const runId = await trigger('step-hooks/shout', { label: uniqueLabel('shout') }, 'step-hooks-shout-shouted')
    const run = await waitForRun(runId, (r) => r.status === 'Completed')
    expect(run.steps).toMatchObject([
      { id: 'audit', output: 'audited' },
      { id: 'greet', output: 'hi there' },
    ])
    expect(run.output).toEqual({ greeting: 'HI THERE!' })
  })

  it('wraps the ambient step (imported from the SDK) as the one the handler receives', async () => {
    const runId = await trigger('step-hooks/shout-ambient', { label: uniqueLabel('shout-ambient') }, 'step-hooks-shout-ambient-shouted')
    const run = await waitForRun(runId, (r) => r.status === 'Completed')
    expect(run.steps).toMatchObject([
      { id: 'audit', output: 'audited' },
      { id: 'greet', output: 'hi there' },
    ])
    expect(run.output).toEqual({ greeting: 'HI THERE!' })
  })

  it('replaces a step.run’s arguments and renames a step with transformStepInput', async () => {
    const runId = await trigger('step-hooks/transform', { label: uniqueLabel('transform') }, 'step-hooks-transform-transformed')
    const run = await waitForRun(runId, (r) => r.status === 'Completed')
    expect(run.output).toEqual({ sum: 30, renamed: 'kept' })
    expect(run.steps.map((step) => step.id)).toEqual(['add', 'new-name'])
  })

  it('wraps inngest.send with wrapSendEvent', async () => {
    const label = uniqueLabel('hooks-send')
    await stepHooks.send({ name: 'step-hooks/sent', data: { label } })
    expect(callsOf(label)).toEqual(['wrapSendEvent:1'])
  })
})

describe('serve arguments (reqArgs, requestArgs)', () => {
  it('hands a function served by @dotdo/inngest/hono a Hono context: the documented c.env pattern works', async () => {
    const label = uniqueLabel('hono-env')
    const runId = await trigger('step-hooks/hono-env', { label }, 'step-hooks-hono-reads-env')
    const run = await waitForRun(runId, (r) => r.status === 'Completed')
    expect(run.output).toEqual({
      key: 'test-event-key',
      request: {
        url: 'https://run.invalid/api/inngest?fnId=step-hooks-hono-reads-env&stepId=step',
        method: 'POST',
        contentType: 'application/json',
        body: { event: expect.objectContaining({ name: 'step-hooks/hono-env', data: { label } }), events: [expect.objectContaining({ data: { label } })], steps: {}, ctx: { run_id: runId, attempt: 0, fn_id: 'step-hooks-hono-reads-env' } },
      },
    })
  })

  it('hands any other function [request, env, ctx], as inngest/cloudflare does: the documented v4 wrapRequest pattern works', async () => {
    const runId = await trigger('step-hooks/workers-env', { label: uniqueLabel('workers-env') }, 'step-hooks-workers-reads-env')
    const run = await waitForRun(runId, (r) => r.status === 'Completed')
    expect(run.output).toEqual({ key: 'test-event-key', isRequest: true, method: 'POST' })
  })
})
