/**
 * When an alarm handler acts (actors/alarm-due.ts), and the clock each actor reads the time from
 * (actors/clock.ts), which a test may replace for one object.
 */
import { runInDurableObject } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { alarmTime } from '../../actors/alarm-due.js'
import { uniqueLabel } from '../fixtures/probes.js'
import { testEnv } from '../fixtures/runs.js'

describe('alarmTime', () => {
  it('acts at the time the runtime says the alarm was set for when the clock reads earlier', () => {
    expect(alarmTime(1_000, { scheduledTime: 1_050 })).toBe(1_050)
  })

  it('acts at the clock when the alarm fires late', () => {
    expect(alarmTime(2_000, { scheduledTime: 1_050 }, 1_500)).toBe(2_000)
  })

  it('prefers the runtime’s time to the one the object recorded', () => {
    expect(alarmTime(1_000, { scheduledTime: 1_100 }, 5_000)).toBe(1_100)
  })

  it('stands in the recorded time when fired by hand, and the clock when none was recorded', () => {
    expect(alarmTime(1_000, undefined, 1_200)).toBe(1_200)
    expect(alarmTime(1_000, undefined, 800)).toBe(1_000)
    expect(alarmTime(1_000, undefined, null)).toBe(1_000)
    expect(alarmTime(1_000, undefined)).toBe(1_000)
  })
})

describe('an actor’s clock', () => {
  it('is what a slot actor reads lease expiry from', async () => {
    const slot = testEnv.INNGEST_SLOTS.get(testEnv.INNGEST_SLOTS.idFromName(`slot:concurrency:fn:clock-test:${uniqueLabel('key')}`))
    const start = Date.now()
    const request = { runId: uniqueLabel('run'), limit: 1, leaseMs: 60_000, priority: 0 }
    await runInDurableObject(slot, async (actor) => {
      actor.clock = () => start
      expect(await actor.acquire(request)).toBe(true)
      actor.clock = () => start + 30_000
      expect(await actor.renew(request.runId, start + 90_000)).toBe(true)
      // Past the renewed lease by this object's clock (the runtime's has hardly moved): it ran out.
      actor.clock = () => start + 90_001
      expect(await actor.renew(request.runId, start + 150_000)).toBe(false)
    })
  })
})
