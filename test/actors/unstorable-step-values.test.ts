/**
 * Values with no JSON text (a BigInt, a circular reference) fail the run at once, naming the step
 * and the path; values JSON quietly changes are stored as it writes them, as in Inngest.
 */
import { describe, expect, it } from 'vitest'
import { findJsonProblem, toJsonText } from '../../actors/engine/jsonify.js'
import { hits, uniqueLabel } from '../fixtures/probes.js'
import { stateOf, trigger, waitForRun } from '../fixtures/runs.js'

const failed = (runId: string) => waitForRun(runId, (run) => run.status === 'Failed')

describe('values that cannot be stored', () => {
  it('fails the run after one attempt when a step returns a BigInt, naming the step and the path', async () => {
    const label = uniqueLabel('bigint-step')
    const run = await failed(await trigger('unstorable/bigint-step', { label }, 'shop-unstorable-bigint-step'))
    const message = 'step "load" returned a value that is not JSON: a BigInt at $.user.balance; fix: convert it (String(n) or Number(n))'
    expect(hits(`unstorable-load:${label}`)).toBe(1)
    expect(run.steps).toMatchObject([{ id: 'load', status: 'failed', attempts: 1, error: { name: 'UnstorableValueError', message } }])
    expect(run.snapshot!.context).toMatchObject({ attempt: 0, error: { name: 'UnstorableValueError', message } })
  })

  it('fails the run after one attempt when a step returns a cycle, naming where it closes', async () => {
    const label = uniqueLabel('circular-step')
    const run = await failed(await trigger('unstorable/circular-step', { label }, 'shop-unstorable-circular-step'))
    expect(hits(`unstorable-graph:${label}`)).toBe(1)
    expect(run.steps).toMatchObject([{ id: 'graph', status: 'failed', attempts: 1 }])
    expect(run.snapshot!.context.error!.message).toBe(
      'step "graph" returned a value that is not JSON: a circular reference at $.children[0].parent (back to $); ' +
        'fix: remove the cycle, e.g. copy the fields you need into a plain object',
    )
  })

  it('fails the run at once when the function returns a BigInt', async () => {
    const label = uniqueLabel('bigint-output')
    const run = await failed(await trigger('unstorable/bigint-output', { label }, 'shop-unstorable-bigint-output'))
    // One pass: the step runs inline, the handler returns, and the run fails without a retry.
    expect(hits(`unstorable-output:${label}`)).toBe(1)
    expect(run.steps).toMatchObject([{ id: 'count', status: 'completed', output: 3 }])
    expect(run.output).toBeNull()
    expect(run.snapshot!.context).toMatchObject({
      attempt: 0,
      error: { name: 'UnstorableValueError', message: 'the function returned a value that is not JSON: a BigInt at $.total; fix: convert it (String(n) or Number(n))' },
    })
  })

  it('refuses step.invoke data holding a BigInt at the call, without retrying', async () => {
    const label = uniqueLabel('invoke-data')
    const run = await failed(await trigger('unstorable/invoke-data', { label }, 'shop-unstorable-invoke-data'))
    expect(hits(`unstorable-invoke:${label}`)).toBe(1)
    expect(run.steps).toEqual([])
    expect(run.snapshot!.context.error!.message).toBe(`step "call": step.invoke's data is not JSON: a BigInt at $.order.id; fix: convert it (String(n) or Number(n))`)
  })
})

describe('values JSON changes', () => {
  it('stores a Date as its ISO string and drops or nulls what JSON drops, as Inngest does', async () => {
    const label = uniqueLabel('json-changed')
    const runId = await trigger('unstorable/json-changed', { label }, 'shop-unstorable-json-changed')
    const run = await waitForRun(runId, (r) => r.status === 'Completed')
    const stored = { at: '1970-01-01T00:00:00.000Z', nan: null, map: {}, set: {}, list: [null, null, null] }
    expect(run.steps).toMatchObject([{ id: 'shape', status: 'completed', attempts: 0 }])
    expect(run.steps[0]!.output).toStrictEqual(stored)
    expect(run.output).toStrictEqual({ value: stored })
    expect(hits(`unstorable-shape:${label}`)).toBe(1)
    expect(stateOf(run)).toBe('done')
  })
})

describe('toJsonText', () => {
  it('names the first value JSON.stringify cannot write, by its path', () => {
    expect(findJsonProblem({ a: [1, { 'odd key': 2n }] })).toEqual({ kind: 'bigint', path: '$.a[1]["odd key"]' })
    const self: Record<string, unknown> = {}
    self.me = self
    expect(findJsonProblem([self])).toEqual({ kind: 'cycle', path: '$[0].me', target: '$[0]' })
    // A value reached twice without a cycle is no problem; toJSON is followed as JSON does.
    const shared = { n: 1 }
    expect(findJsonProblem({ a: shared, b: shared, c: { toJSON: () => 5n } })).toEqual({ kind: 'bigint', path: '$.c' })
    expect(findJsonProblem({ a: shared, b: shared, skipped: () => 1n })).toBeUndefined()
  })

  it('writes what it can, and throws an error that is not retried for the rest', () => {
    expect(toJsonText(undefined)).toBe('null')
    expect(toJsonText({ at: new Date(0), skip: undefined })).toBe('{"at":"1970-01-01T00:00:00.000Z"}')
    expect(() => toJsonText({ n: 1n })).toThrow(expect.objectContaining({ name: 'UnstorableValueError', message: 'the value is not JSON: a BigInt at $.n; fix: convert it (String(n) or Number(n))' }))
  })
})
