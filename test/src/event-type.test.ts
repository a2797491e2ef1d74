/**
 * Typed events at runtime: `eventType` schemas validate data in `send` before anything is stored,
 * and in a run before the handler sees its event (failing it with an `EventValidationError`).
 */
import { ulid } from 'ulid'
import { describe, expect, it } from 'vitest'
import { EventValidationError, eventType, NonRetriableError, staticSchema, type StandardSchemaV1 } from '../../src/index.js'
import { hits, uniqueLabel } from '../fixtures/probes.js'
import { AUTH, request, runIdFor, runStub, waitForRun } from '../fixtures/runs.js'
import { inngest } from '../fixtures/seed-functions.js'
import { couponRedeemed, noteTaken, userSignedUp } from '../fixtures/typed-event-functions.js'

/** Starts a run of `functionId` directly with one event, as routing would, bypassing `send`. */
async function startRun(functionId: string, name: string, data: Record<string, unknown>): Promise<string> {
  const runId = ulid()
  await runStub(runId).start({ runId, functionId, events: [{ name, id: ulid(), ts: Date.now(), data, user: {} }] })
  return runId
}

/** Whether the event index holds an event with this id. */
async function stored(id: string): Promise<boolean> {
  return (await request(`/v1/events/${id}`, { headers: AUTH })).status === 200
}

describe('send', () => {
  it('rejects a created event with invalid data, naming the index, the event and the issues, and stores nothing', async () => {
    const label = uniqueLabel('bad-email')
    const send = inngest.send(userSignedUp.create({ email: 'not-an-email', label }, { id: label }))
    await expect(send).rejects.toThrow(TypeError)
    await expect(send).rejects.toThrow(/^inngest\.send: event\[0\] "typed\/user\.signed-up" data is invalid: email: Invalid email address\. Fix: send data that matches/)
    expect(await stored(label)).toBe(false)
  })

  it('validates literal payloads against the schemas of the client triggers, all or nothing', async () => {
    const label = uniqueLabel('batch')
    const good = userSignedUp.create({ email: 'ada@example.com', label }, { id: `${label}-good` })
    const bad = { name: 'typed/user.signed-up', data: { email: 'ada@example.com' }, id: `${label}-bad` }
    await expect(inngest.send([good, bad])).rejects.toThrow(/event\[1\] "typed\/user\.signed-up" data is invalid: label: .+\. Fix:/)
    expect(await stored(`${label}-good`)).toBe(false)
  })

  it('sends valid data; the run receives the schema output', async () => {
    const label = uniqueLabel('welcome')
    const id = ulid()
    expect(await inngest.send(userSignedUp.create({ email: 'ada@example.com', label }, { id }))).toEqual({ ids: [id] })
    expect(await stored(id)).toBe(true)
    const run = await waitForRun(await runIdFor(id, 'shop-typed-welcome'), (r) => r.status === 'Completed')
    expect(run.output).toEqual({ email: 'ada@example.com', plan: 'free' })
    expect(run.events[0]!.data).toEqual({ email: 'ada@example.com', label })
  })

  it('awaits an async validator', async () => {
    const label = uniqueLabel('coupon')
    await expect(inngest.send(couponRedeemed.create({ code: 'NOPE', label }))).rejects.toThrow(/data is invalid: code: Unknown coupon\./)
    const { ids } = await inngest.send(couponRedeemed.create({ code: 'OK-10', label }))
    const run = await waitForRun(await runIdFor(ids[0]!, 'shop-typed-redeem'), (r) => r.status === 'Completed')
    expect(run.output).toBe('OK-10')
  })
})

describe('runs', () => {
  it('fails a run whose trigger event is invalid with EventValidationError, at once and before the handler', async () => {
    const label = uniqueLabel('run-invalid')
    const runId = await startRun('shop-typed-welcome', 'typed/user.signed-up', { email: 'nope', label })
    const run = await waitForRun(runId, (r) => r.status === 'Failed')
    expect(run.snapshot!.context.error).toMatchObject({ name: 'EventValidationError' })
    expect(run.snapshot!.context.error!.message).toMatch(/^event\[0\] "typed\/user\.signed-up" \(id \w+\) data is invalid: email: Invalid email address\./)
    expect(run.snapshot!.context.attempt).toBe(0)
    expect(hits(`typed-welcome:${label}`)).toBe(0)
  })

  it('validates with an async validator before the handler runs', async () => {
    const label = uniqueLabel('run-coupon')
    const runId = await startRun('shop-typed-redeem', 'typed/coupon.redeemed', { code: 'BAD', label })
    const run = await waitForRun(runId, (r) => r.status === 'Failed')
    expect(run.snapshot!.context.error).toMatchObject({ name: 'EventValidationError' })
    expect(run.snapshot!.context.error!.message).toMatch(/code: Unknown coupon/)
    expect(hits(`typed-redeem:${label}`)).toBe(0)
  })

  it('validates invoked runs against the schema, keeping the _inngest metadata out of it', async () => {
    const label = uniqueLabel('invoked')
    const meta = { _inngest: { parent_run_id: 'parent', parent_step: 'call' } }
    const ok = await startRun('shop-typed-welcome', 'inngest/function.invoked', { email: 'bob@example.com', label, plan: 'pro', ...meta })
    expect((await waitForRun(ok, (r) => r.status === 'Completed')).output).toEqual({ email: 'bob@example.com', plan: 'pro' })
    const bad = await startRun('shop-typed-welcome', 'inngest/function.invoked', { email: 'bob', label, ...meta })
    expect((await waitForRun(bad, (r) => r.status === 'Failed')).snapshot!.context.error).toMatchObject({ name: 'EventValidationError' })
  })

  it('lets any data through a staticSchema', async () => {
    const label = uniqueLabel('note')
    const runId = await startRun('shop-typed-note', 'typed/note.taken', { label })
    expect((await waitForRun(runId, (r) => r.status === 'Completed')).output).toBeNull()
    expect(hits(`typed-note:${label}`)).toBe(1)
  })
})

describe('eventType', () => {
  it('is a trigger: its event is its name', () => {
    expect(userSignedUp).toMatchObject({ event: 'typed/user.signed-up', name: 'typed/user.signed-up' })
    expect(eventType('typed/versioned', { version: '2' }).create().v).toBe('2')
  })

  it('creates events that serialize to the plain payload', () => {
    const created = noteTaken.create({ text: 'hi', label: 'x' }, { id: 'note-1', ts: 5 })
    expect(JSON.parse(JSON.stringify(created))).toEqual({ name: 'typed/note.taken', data: { text: 'hi', label: 'x' }, id: 'note-1', ts: 5 })
    expect(eventType('typed/no-data').create().data).toEqual({})
  })

  it('validates a created event on request, with EventValidationError', async () => {
    const error = await userSignedUp.create({ email: 'x', label: 'y' }).validate().catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(EventValidationError)
    expect(error).toBeInstanceOf(NonRetriableError)
    expect(error).toMatchObject({ name: 'EventValidationError', message: '"typed/user.signed-up" data is invalid: email: Invalid email address' })
    await expect(userSignedUp.create({ email: 'a@b.co', label: 'y' }).validate()).resolves.toBeUndefined()
  })

  it('accepts any Standard Schema, synchronous or not, and rejects what is not one', async () => {
    const even: StandardSchemaV1<{ n: number }> = {
      '~standard': {
        version: 1,
        vendor: 'hand-written',
        validate: async (value) => ((value as { n: number }).n % 2 === 0 ? { value: value as { n: number } } : { issues: [{ message: 'must be even', path: [{ key: 'n' }] }] }),
      },
    }
    await expect(eventType('typed/even', { schema: even }).create({ n: 3 }).validate()).rejects.toThrow('n: must be even')
    await expect(eventType('typed/static', { schema: staticSchema<{ n: number }>() }).create({ n: 3 }).validate()).resolves.toBeUndefined()
    // @ts-expect-error not a Standard Schema
    expect(() => eventType('typed/bad', { schema: { parse: () => ({}) } })).toThrow(/eventType\("typed\/bad"\): schema is not a Standard Schema.+Fix:/)
    expect(() => eventType('')).toThrow(/name must be a non-empty string/)
  })
})
