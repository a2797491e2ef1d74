/**
 * The HTTP executor's pure parts: canonical JSON, signatures, the call body and its memo, and
 * how replies and ops are read.
 */
import { describe, expect, it } from 'vitest'
import { callRequestBody, memoOf } from '../../actors/engine/http-executor/call-request.js'
import { canonicalJson } from '../../actors/engine/http-executor/canonical-json.js'
import { invokeRequest, sleepWakeAt, waitRequest } from '../../actors/engine/http-executor/op-requests.js'
import { keyWithoutPrefix, signatureHeader, signatureProblem } from '../../actors/engine/http-executor/request-signature.js'
import { MalformedResponseError, parseOps, stepIdOf, withClassName } from '../../actors/engine/http-executor/sdk-ops.js'
import { readReply } from '../../actors/engine/http-executor/sdk-reply.js'
import { retryTime } from '../../actors/engine/http-executor/http-executor.js'
import type { StepRow } from '../../actors/storage/step-row.js'

const row = (key: string, fields: Partial<StepRow>): StepRow => ({ key, id: key, kind: 'run', position: 0, concurrent: false, status: 'completed', attempts: 0, output: null, error: null, startedAt: 0, endedAt: 0, wakeAt: null, ...fields })
const headers = (entries: Record<string, string>) => new Headers(entries)
const SDK = { 'x-inngest-sdk': 'inngest-js:v4.24.0' }

describe('canonical JSON (RFC 8785)', () => {
  it('sorts keys at every depth and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: true, y: null }], c: 'x' }, u: undefined })).toBe('{"a":{"c":"x","d":[1,{"y":null,"z":true}]},"b":1}')
  })
})

describe('request signatures', () => {
  it('signs with the key without its signkey-<env>- prefix, as the SDK verifies', async () => {
    expect(keyWithoutPrefix('signkey-prod-abc123')).toBe('abc123')
    const header = await signatureHeader('{"a":1}', 'signkey-prod-abc123', 1_700_000_000)
    expect(header).toMatch(/^t=1700000000&s=[0-9a-f]{64}$/)
    // The same MAC as keying with the bare key: the prefix is not part of it.
    expect(await signatureHeader('{"a":1}', 'abc123', 1_700_000_000)).toBe(header)
  })

  it('accepts a fresh signature by any of the keys; refuses a wrong key, a stale time or none', async () => {
    const header = await signatureHeader('body', 'signkey-test-k2', 1_000)
    expect(await signatureProblem('body', header, ['signkey-test-k1', 'signkey-test-k2'], 1_010)).toBeUndefined()
    expect(await signatureProblem('body', header, ['signkey-test-k1'], 1_010)).toMatch(/does not match/)
    expect(await signatureProblem('body', header, ['signkey-test-k2'], 1_000 + 301)).toMatch(/expired/)
    expect(await signatureProblem('body', null, ['k'], 0)).toMatch(/no X-Inngest-Signature/)
    expect(await signatureProblem('changed', header, ['signkey-test-k2'], 1_010)).toMatch(/does not match/)
  })
})

describe('the call body', () => {
  it('memoizes settled steps as { data } and { error }, in the order they settled; pending steps are left out', () => {
    const rows = [
      row('b', { output: '2', endedAt: 20, position: 1 }),
      row('a', { output: '{"x":1}', endedAt: 10 }),
      row('f', { status: 'failed', error: { name: 'Error', message: 'boom' }, endedAt: 30, position: 2 }),
      row('s', { kind: 'sleep', status: 'sleeping', position: 3 }),
      row('r', { status: 'retrying', position: 4 }),
      row('n', { kind: 'sleep', output: 'null', endedAt: 40, position: 5 }),
    ]
    expect(memoOf(rows)).toEqual({ steps: { a: { data: { x: 1 } }, b: { data: 2 }, f: { error: { name: 'Error', message: 'boom' } }, n: { data: null } }, stack: ['a', 'b', 'f', 'n'] })
  })

  it('carries the run, the attempt, the function (fn_id: a v4 SDK checkpoints) and the call (qi_id)', () => {
    const body = callRequestBody({ runId: 'run1', functionId: 'app-fn', callId: 'p.1', events: [{ name: 'e', id: 'i', ts: 1, data: {} }], rows: [], attempt: 2, maxAttempts: 5, disableImmediateExecution: true })
    expect(body).toMatchObject({
      event: { name: 'e' },
      events: [{ name: 'e' }],
      steps: {},
      version: -1,
      ctx: { run_id: 'run1', fn_id: 'app-fn', qi_id: 'p.1', attempt: 2, max_attempts: 5, disable_immediate_execution: true, stack: { stack: [], current: 0 } },
    })
  })
})

describe('replies', () => {
  it('names an error by the class its stack names when the SDK (v3) calls it plain "Error"', () => {
    expect(withClassName({ name: 'Error', message: 'x', stack: 'NonRetriableError: x\n    at f' })).toEqual({ name: 'NonRetriableError', message: 'x', stack: 'NonRetriableError: x\n    at f' })
    expect(withClassName({ name: 'Error', message: 'x', stack: 'Error: x' })).toEqual({ name: 'Error', message: 'x', stack: 'Error: x' })
    expect(withClassName({ name: 'TypeError', message: 'x', stack: 'RangeError: x' })).toMatchObject({ name: 'TypeError' })
    expect(withClassName('boom')).toBe('boom')
  })

  it('reads 200 as the output, 206 as ops, errors with their retry rule', () => {
    expect(readReply({ status: 200, headers: headers(SDK), body: '{"ok":1}' })).toEqual({ kind: 'returned', output: { ok: 1 } })
    expect(readReply({ status: 200, headers: headers(SDK), body: '' })).toEqual({ kind: 'returned', output: null })
    const ops = readReply({ status: 206, headers: headers(SDK), body: '[{"id":"h1","op":"StepRun","data":3,"userland":{"id":"add","index":1}}]' })
    expect(ops).toMatchObject({ kind: 'ops', ops: [{ id: 'h1', op: 'StepRun', data: 3, hasData: true }] })
    expect(readReply({ status: 500, headers: headers({ ...SDK, 'x-inngest-no-retry': 'false', 'retry-after': '30' }), body: '{"name":"RetryAfterError","message":"later"}' })).toEqual({
      kind: 'error',
      error: { name: 'RetryAfterError', message: 'later' },
      noRetry: false,
      retryAfter: '30',
    })
    expect(readReply({ status: 400, headers: headers({ ...SDK, 'x-inngest-no-retry': 'true' }), body: '{"name":"NonRetriableError","message":"no"}' })).toMatchObject({ kind: 'error', noRetry: true })
  })

  it('retries 5xx, 408 and 429 without the header; not other 4xx', () => {
    const status = (code: number) => readReply({ status: code, headers: headers({}), body: 'oops' })
    expect(status(502)).toMatchObject({ kind: 'error', noRetry: false, error: { message: 'the app answered HTTP 502: oops' } })
    expect(status(429)).toMatchObject({ noRetry: false })
    expect(status(404)).toMatchObject({ noRetry: true })
  })

  it('refuses a 2xx that is not from an SDK, and a 206 that is not a list of ops', () => {
    expect(() => readReply({ status: 200, headers: headers({}), body: '<html>' })).toThrow(/not an Inngest SDK/)
    expect(() => readReply({ status: 206, headers: headers(SDK), body: '{"op":"StepRun"}' })).toThrow(MalformedResponseError)
    expect(() => readReply({ status: 206, headers: headers(SDK), body: '[{"op":"StepRun"}]' })).toThrow(/no string "id"/)
    expect(() => readReply({ status: 206, headers: headers(SDK), body: 'nope' })).toThrow(/not JSON/)
  })

  it('reads a streamed answer (201, keep-alive spaces, then { status, headers, body })', () => {
    const body = `   ${JSON.stringify({ status: 200, headers: {}, body: '{"done":true}' })}`
    expect(readReply({ status: 201, headers: headers({}), body })).toEqual({ kind: 'returned', output: { done: true } })
  })
})

describe('ops', () => {
  it('names a repeated step by its user id and index', () => {
    const [op] = parseOps([{ id: 'h', op: 'StepRun', userland: { id: 'add', index: 1 } }])
    expect(stepIdOf(op!)).toBe('add:1')
  })

  it('reads a sleep from opts.duration or the name, a date for sleepUntil, "" as no sleep', () => {
    const [byName, byOpts, until, empty] = parseOps([
      { id: 'a', op: 'Sleep', name: '2s' },
      { id: 'b', op: 'Sleep', name: 'x', opts: { duration: '1m' } },
      { id: 'c', op: 'Sleep', name: '2030-01-01T00:00:00.000Z' },
      { id: 'd', op: 'Sleep', name: '' },
    ])
    expect(sleepWakeAt(byName!, 1_000)).toBe(3_000)
    expect(sleepWakeAt(byOpts!, 0)).toBe(60_000)
    const june2029 = Date.parse('2029-06-01T00:00:00Z')
    expect(sleepWakeAt(until!, june2029)).toBe(Date.parse('2030-01-01T00:00:00Z'))
    expect(sleepWakeAt(empty!, 5)).toBe(5)
  })

  it('reads a wait (event from opts.event or name, its if and timeout) and an invoke', () => {
    const [wait, invoke] = parseOps([
      { id: 'w', op: 'WaitForEvent', name: 'app/approved', opts: { timeout: '1h', if: 'event.data.id == async.data.id' } },
      { id: 'i', op: 'InvokeFunction', opts: { function_id: 'app-child', payload: { data: { x: 1 } }, timeout: '10s' } },
    ])
    expect(waitRequest(wait!, 0)).toEqual({ event: 'app/approved', timeoutAt: 3_600_000, expression: 'event.data.id == async.data.id' })
    expect(invokeRequest(invoke!, 0)).toEqual({ functionId: 'app-child', data: { x: 1 }, timeoutAt: 10_000 })
    expect(() => waitRequest(parseOps([{ id: 'w', op: 'WaitForEvent' }])[0]!, 0)).toThrow(/names no event/)
  })

  it('reads retry-after as seconds or a date', () => {
    expect(retryTime('30', 1_000)).toBe(31_000)
    expect(retryTime('2030-01-01T00:00:00Z', 0)).toBe(Date.parse('2030-01-01T00:00:00Z'))
    expect(retryTime(undefined, 0)).toBeUndefined()
  })
})
