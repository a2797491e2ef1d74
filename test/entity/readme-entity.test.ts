/**
 * The README's entity example, copied into the test worker as a new user would
 * (test/fixtures/readme-entity.ts), works as the README says.
 */
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import type { EntityRunRemote } from '../../actors/entity/entity-stub.js'
import type { Remote } from '../../actors/remote.js'
import readme from '../../README.md?raw'
import type { Cart } from '../fixtures/readme-entity.js'
import fixture from '../fixtures/readme-entity.ts?raw'
import { uniqueLabel } from '../fixtures/probes.js'
import { runIdFor, sendEvent, waitForRun } from '../fixtures/runs.js'

const carts = (env as unknown as { CARTS: DurableObjectNamespace<Cart> }).CARTS
const cartNamed = (name: string) => carts.get(carts.idFromName(name)) as unknown as EntityRunRemote & Remote<Cart, 'items' | 'checkouts'>

describe('the README’s entity example', () => {
  it('is copied unchanged', () => {
    const example = /## Workflows inside your Durable Objects[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1]
    expect(example).toBeTruthy()
    expect(fixture.endsWith(example!)).toBe(true)
  })

  it('runs a checkout in its cart: the reservation in the cart’s table, the run in its list, paid by an event', async () => {
    const cartId = uniqueLabel('cart')
    const runId = await runIdFor(await sendEvent('cart/checkout', { cartId, sku: 'tea' }), 'shop-checkout')
    await waitForRun(runId, (run) => run.snapshot?.value === 'waiting')
    const cart = cartNamed(cartId)
    expect(await cart.items()).toEqual([{ sku: 'tea', qty: 1 }])
    expect((await cart.checkouts()).map((run) => ({ runId: run.runId, functionId: run.functionId, status: run.status }))).toEqual([{ runId, functionId: 'shop-checkout', status: 'Running' }])
    await sendEvent('cart/paid', { cartId })
    expect((await waitForRun(runId, (run) => run.status === 'Completed')).output).toBe('paid')
    expect((await cart.checkouts())[0]!.status).toBe('Completed')
  })
})
