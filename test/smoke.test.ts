import { env, exports } from 'cloudflare:workers'
import { evictDurableObject, runDurableObjectAlarm } from 'cloudflare:test'
import { expect, it, vi } from 'vitest'
import { received } from './worker'

it('smoke', async () => {
  const e = env as any
  const stub = e.SMOKE.get(e.SMOKE.idFromName('a'))
  expect(await stub.bump()).toBe(1)
  await evictDurableObject(stub)
  expect(await stub.bump()).toBe(1)
  await e.INNGEST_EVENTS.send({ hi: 1 })
  await vi.waitFor(() => expect(received.length).toBe(1), { timeout: 5000 })
  const r = await (exports as any).default.fetch('http://x/')
  expect(await r.text()).toBe('ok')
})
