/**
 * An id names one function: a second, different function under a taken composite id is refused
 * with a TypeError naming both; onFailure handlers get generated ids no user function can take;
 * the same definition registered again is harmless.
 */
import { describe, expect, it } from 'vitest'
import { failureHandlerId, findFunction, FunctionRegistry, type FunctionOrigin } from '../../actors/registry.js'
import type { RunnableFunction } from '../../actors/internal.js'
import { deriveRunId } from '../../actors/internal.js'
import { serve } from '../../src/hono.js'
import { Inngest } from '../../src/index.js'
import { colFailure } from '../fixtures/identity-functions.js'
import { hits, uniqueLabel } from '../fixtures/probes.js'
import { trigger, waitForRun } from '../fixtures/runs.js'

const EVENT = { event: 'collide/ab' }

/** Whatever `run` throws (it must throw). */
function thrownBy(run: () => unknown): Error {
  try {
    run()
  } catch (error) {
    return error as Error
  }
  throw new Error('expected a throw')
}

describe('createFunction refuses a composite id that is taken', () => {
  it('refuses app "a" fn "b-c" beside app "a-b" fn "c": both are "a-b-c"', () => {
    const first = new Inngest({ id: 'ident-a-b' }).createFunction({ id: 'c' }, EVENT, () => 'first')
    const client = new Inngest({ id: 'ident-a' })
    const error = thrownBy(() => client.createFunction({ id: 'b-c' }, EVENT, () => 'second'))
    expect(error).toBeInstanceOf(TypeError)
    expect(error.message).toBe(
      'Function id "ident-a-b-c" is claimed by function "b-c" of app "ident-a" and by function "c" of app "ident-a-b" ' +
        '(a composite id is "<app id>-<function id>"); one would silently replace the other. ' +
        'Fix: rename one of the two functions (or its app), so that each composite id names one function.',
    )
    // The first keeps the id; the refused function left nothing behind in its client.
    expect(findFunction('ident-a-b-c')?.options).toBe(first.options)
    expect(client.createFunction({ id: 'b-c-renamed' }, EVENT, () => 'second').compositeId).toBe('ident-a-b-c-renamed')
    expect(() => client.createFunction({ id: 'b-c' }, EVENT, () => 'second')).toThrow(/is claimed by function "b-c" of app "ident-a"/)
  })

  it('lets the event start the function that kept the id', async () => {
    const runId = await trigger('collide/ab', {}, 'ident-a-b-c')
    expect((await waitForRun(runId, (r) => r.status === 'Completed')).output).toBe('first')
  })

  it('refuses a different function with the same app and id on another client', () => {
    new Inngest({ id: 'ident-twice' }).createFunction({ id: 'f' }, EVENT, () => 'one')
    expect(() => new Inngest({ id: 'ident-twice' }).createFunction({ id: 'f' }, EVENT, () => 'two')).toThrow(
      'Function id "ident-twice-f" is defined twice with different definitions: function "f" of app "ident-twice" and the one registered before; ' +
        'one would silently replace the other. Fix: give each function its own id, or define it once and import it where it is needed.',
    )
    expect(() => new Inngest({ id: 'ident-twice' }).createFunction({ id: 'f', retries: 1 }, EVENT, () => 'one')).toThrow(/defined twice with different definitions/)
  })

  it('accepts the same definition again, as when a module is evaluated twice', () => {
    const define = () => new Inngest({ id: 'ident-same' }).createFunction({ id: 'f', onFailure: () => 'handled' }, EVENT, async () => 'same')
    const first = define()
    const second = define()
    expect(findFunction('ident-same-f')?.options).toBe(second.options)
    expect(findFunction(failureHandlerId('ident-same-f'))).toBeDefined()
    // serve() registers nothing: serving the same list twice is harmless too.
    const client = new Inngest({ id: 'ident-same' })
    expect(() => [serve({ client, functions: [first] }), serve({ client, functions: [first] })]).not.toThrow()
  })
})

describe('generated ids', () => {
  it('gives an onFailure handler an id no user function can take', () => {
    const client = new Inngest({ id: 'ident-gen' })
    const col = client.createFunction({ id: 'col', onFailure: () => 'handler' }, EVENT, () => 1)
    const user = client.createFunction({ id: 'col-failure' }, EVENT, () => 2)
    expect(failureHandlerId(col.compositeId)).toBe('ident-gen-col:failure')
    expect(findFunction('ident-gen-col:failure')?.options.id).toBe('col:failure')
    expect(findFunction(user.compositeId)?.options).toBe(user.options)
    // Function ids are slugs, so the generated form cannot be written as one.
    expect(() => client.createFunction({ id: 'col:failure' }, EVENT, () => 3)).toThrow(/id is not a valid slug/)
  })

  it('refuses a hand-registered function under a generated id, naming which is generated', () => {
    const registry = new FunctionRegistry()
    const fn = (id: string): RunnableFunction => ({ options: { id, name: id, triggers: [], retry: { attempts: 1, backoff: 'fixed', initialDelayMs: 0, maxDelayMs: 0 }, limits: { maxSteps: 1, maxStepOutputBytes: 1 } }, handler: () => id })
    const origin: FunctionOrigin = { appId: 'x', functionId: 'col', generated: 'onFailure', definition: 'col v1' }
    registry.register([{ id: 'x-col:failure', fn: fn('col:failure'), origin }])
    const error = thrownBy(() => registry.register([{ id: 'x-col:failure', fn: fn('forged') }]))
    expect(error).toBeInstanceOf(TypeError)
    expect(error.message).toMatch(
      /^Function id "x-col:failure" is claimed by function "x-col:failure" \(registered with registerFunction\) and by the onFailure handler of function "col" of app "x" \(a generated id\); .*Fix: rename one/,
    )
  })

  it('registers a function and its handler all or none', () => {
    const registry = new FunctionRegistry()
    const handler = () => 'taken'
    registry.register([{ id: 'y-h:failure', fn: { options: {} as never, handler } }])
    const origin: FunctionOrigin = { appId: 'y', functionId: 'h', definition: 'h' }
    expect(() =>
      registry.register([
        { id: 'y-h', fn: { options: {} as never, handler: () => 'h' }, origin },
        { id: 'y-h:failure', fn: { options: {} as never, handler: () => 'on failure' }, origin: { ...origin, generated: 'onFailure' } },
      ]),
    ).toThrow(TypeError)
    expect(registry.find('y-h')).toBeUndefined()
    // The same handler object registered again is the same function (a redeploy of its options).
    expect(() => registry.register([{ id: 'y-h:failure', fn: { options: { id: 'redeployed' } as never, handler } }])).not.toThrow()
    expect(registry.find('y-h:failure')?.options.id).toBe('redeployed')
  })

  it('still finds an onFailure handler by its former id, for runs started before', () => {
    const registry = new FunctionRegistry()
    const handler = { options: {} as never, handler: () => 'on failure' }
    registry.register([{ id: 'z-f:failure', fn: handler, origin: { appId: 'z', functionId: 'f', generated: 'onFailure', definition: 'f' } }])
    expect(registry.find('z-f-failure')).toBe(handler)
    expect(registry.isGenerated('z-f-failure')).toBe(true)
    // A user function holding the former id keeps it.
    const user = { options: {} as never, handler: () => 'user' }
    registry.register([{ id: 'z-f-failure', fn: user }])
    expect(registry.find('z-f-failure')).toBe(user)
    expect(registry.isGenerated('z-f-failure')).toBe(false)
  })
})

describe('onFailure beside a function with its former id', () => {
  it('runs col\'s onFailure handler when col fails, not col-failure\'s handler', async () => {
    const label = uniqueLabel('col')
    const runId = await trigger('collide/col', { label }, 'shop-col')
    const run = await waitForRun(runId, (r) => r.status === 'Failed')
    const failedEvent = { id: `${runId}-failed`, ts: run.snapshot!.context.endedAt! }
    const handlerRunId = await deriveRunId(failedEvent.id, failureHandlerId('shop-col'), failedEvent.ts)
    const handlerRun = await waitForRun(handlerRunId, (r) => r.status === 'Completed')
    expect(handlerRun.snapshot!.context.functionId).toBe('shop-col:failure')
    expect(hits(`col-on-failure:${label}:col broke`)).toBe(1)
    expect(hits(`col-failure-handler:${label}`)).toBe(0)
    expect(findFunction('shop-col-failure')?.options).toBe(colFailure.options)
  })

  it('refuses step.invoke of an onFailure handler', async () => {
    const runId = await trigger('collide/invoke-handler', {}, 'shop-invokes-failure-handler')
    const run = await waitForRun(runId, (r) => r.status === 'Failed')
    expect(run.snapshot!.context).toMatchObject({ attempt: 0, error: { message: expect.stringMatching(/^step "start-handler": step.invoke's function "shop-col:failure" is an onFailure handler/) } })
  })
})
