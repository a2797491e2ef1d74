import { createScheduledController, evictDurableObject, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { cronActorName, cronActorStub, deriveRunId, findFunction, publishEvents, registerFunction, type CronActor } from '../../actors/internal.js'
import { routeSchedules } from '../../src/index.js'
import { cronTriggers } from '../../src/events/arm-schedules.js'
import { hits } from '../fixtures/probes.js'
import { AUTH, request, runIdFor, runStub, sendEvent, testEnv, waitForRun } from '../fixtures/runs.js'

const HOUR = 60 * 60 * 1000
const DAY = 24 * HOUR

const rawCron = (functionId: string, expression: string) => testEnv.INNGEST_CRONS.get(testEnv.INNGEST_CRONS.idFromName(cronActorName(functionId, expression)))
const cron = (functionId: string, expression: string) => cronActorStub(testEnv.INNGEST_CRONS, functionId, expression)
const alarmOf = (functionId: string, expression: string) => runInDurableObject(rawCron(functionId, expression), (_: CronActor, state) => state.storage.getAlarm())
const eventIdOf = (functionId: string, tick: number) => `cron:${functionId}:${tick}`
const scheduledRunId = (functionId: string, tick: number) => deriveRunId(eventIdOf(functionId, tick), functionId, tick)

/** Arms the schedule and returns the tick its alarm is set for. */
async function armedTick(functionId: string, expression: string): Promise<number> {
  const { nextTick } = await cron(functionId, expression).arm(functionId, expression)
  expect(nextTick).not.toBeNull()
  expect(await alarmOf(functionId, expression)).toBe(nextTick)
  return nextTick!
}

/** Fires the schedule's alarm and waits for the run of `tick` to complete. */
async function fireAndRun(functionId: string, expression: string, tick: number) {
  expect(await runDurableObjectAlarm(rawCron(functionId, expression))).toBe(true)
  return waitForRun(await scheduledRunId(functionId, tick), (run) => run.status === 'Completed')
}

/** `HH:MM` of `epochMs` on the wall clock of `timeZone`. */
const wallClock = (epochMs: number, timeZone: string) => new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(epochMs)

describe('cron schedules', () => {
  it('fires a tick through the alarm; its run receives inngest/scheduled.timer with data.cron', async () => {
    const [functionId, expression] = ['shop-cron-fires', '0 9 * * *']
    const tick = await armedTick(functionId, expression)
    expect(tick).toBeGreaterThan(Date.now())
    expect(new Date(tick).toISOString()).toMatch(/T09:00:00\.000Z$/)

    // runDurableObjectAlarm fires ahead of time: the tick the alarm was set for is due.
    const run = await fireAndRun(functionId, expression, tick)
    expect(run.output).toEqual({ name: 'inngest/scheduled.timer', id: eventIdOf(functionId, tick), ts: tick, cron: expression })
    expect(await cron(functionId, expression).inspect()).toEqual({ functionId, expression, lastTick: tick, pendingTick: null, nextTick: tick + DAY })
    expect(await alarmOf(functionId, expression)).toBe(tick + DAY)

    // Visible in the event index, which never queued it.
    const stored = await request(`/v1/events/${eventIdOf(functionId, tick)}`, { headers: AUTH })
    expect(stored.status).toBe(200)
    expect(((await stored.json()) as { data: { name: string; data: unknown } }).data).toMatchObject({ name: 'inngest/scheduled.timer', data: { cron: expression } })
  })

  it('starts one run when a tick fires twice (a retried alarm)', async () => {
    const [functionId, expression] = ['shop-cron-retried', '0 10 * * *']
    const tick = await armedTick(functionId, expression)
    const runId = await scheduledRunId(functionId, tick)
    const run = await fireAndRun(functionId, expression, tick)
    const stub = rawCron(functionId, expression)

    // The runtime retries an alarm whose start was not confirmed: the tick is still pending.
    await runInDurableObject(stub, async (instance: CronActor, state) => {
      state.storage.sql.exec('UPDATE inngest_cron_schedule SET pending_tick = ?', tick)
      await instance.alarm({ isRetry: true, retryCount: 1, scheduledTime: tick })
    })
    // The whole tick again, as if nothing had been written.
    await runInDurableObject(stub, async (instance: CronActor, state) => {
      state.storage.sql.exec('UPDATE inngest_cron_schedule SET next_tick = ?, last_tick = NULL', tick)
      await instance.alarm()
    })

    expect(await waitForRun(runId, (again) => again.status === 'Completed')).toEqual(run)
    expect(hits(`tick:${eventIdOf(functionId, tick)}`)).toBe(1)
    expect(await cron(functionId, expression).inspect()).toMatchObject({ lastTick: tick, pendingTick: null, nextTick: tick + DAY })
  })

  it('starts one run per tick of a function, whichever of its triggers fires it', async () => {
    const functionId = 'shop-cron-two-triggers'
    const [utc, zoned] = ['0 12 * * *', 'TZ=Etc/UTC 0 12 * * *']
    const tick = await armedTick(functionId, utc)
    expect(await armedTick(functionId, zoned)).toBe(tick)
    await fireAndRun(functionId, utc, tick)
    const run = await fireAndRun(functionId, zoned, tick)
    expect(run.output).toMatchObject({ id: eventIdOf(functionId, tick), cron: utc }) // the first trigger's start won
    expect(hits(`tick:${eventIdOf(functionId, tick)}`)).toBe(1)
  })

  it('keeps its schedule across eviction', async () => {
    const [functionId, expression] = ['shop-cron-evicted', '30 8 * * 1']
    const tick = await armedTick(functionId, expression)
    await evictDurableObject(rawCron(functionId, expression))
    await fireAndRun(functionId, expression, tick)
    await evictDurableObject(rawCron(functionId, expression))
    expect(await cron(functionId, expression).inspect()).toMatchObject({ lastTick: tick, nextTick: tick + 7 * DAY })
    const next = await fireAndRun(functionId, expression, tick + 7 * DAY)
    expect(next.output).toMatchObject({ ts: tick + 7 * DAY })
  })

  it('fires only the latest due tick after downtime, on the clock when the runtime fires it', async () => {
    const [functionId, expression] = ['shop-cron-downtime', '0 13 * * *']
    await armedTick(functionId, expression)
    const now = Date.now()
    const today = Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), new Date(now).getUTCDate(), 13)
    const latest = today <= now ? today : today - DAY
    // Down for three ticks: the schedule still points at the first one missed.
    await runInDurableObject(rawCron(functionId, expression), async (instance: CronActor, state) => {
      state.storage.sql.exec('UPDATE inngest_cron_schedule SET next_tick = ?', latest - 2 * DAY)
      await instance.alarm({ isRetry: false, retryCount: 0, scheduledTime: latest - 2 * DAY })
    })
    await waitForRun(await scheduledRunId(functionId, latest), (run) => run.status === 'Completed')
    for (const missed of [latest - 2 * DAY, latest - DAY]) {
      expect((await runStub(await scheduledRunId(functionId, missed)).inspect()).status).toBe('Unknown')
    }
    expect(await cron(functionId, expression).inspect()).toMatchObject({ lastTick: latest, pendingTick: null, nextTick: latest + DAY })
    expect(await alarmOf(functionId, expression)).toBe(latest + DAY)
  })

  it('computes ticks in the zone of a TZ= prefix', async () => {
    const [functionId, expression] = ['shop-cron-paris', 'TZ=Europe/Paris 0 9 * * *']
    const tick = await armedTick(functionId, expression)
    expect(tick - Date.now()).toBeLessThanOrEqual(25 * HOUR)
    expect(wallClock(tick, 'Europe/Paris')).toBe('09:00')
    expect(['07:00', '08:00']).toContain(wallClock(tick, 'UTC')) // CEST or CET

    const run = await fireAndRun(functionId, expression, tick)
    expect(run.output).toMatchObject({ ts: tick, cron: expression })
    const { nextTick } = (await cron(functionId, expression).inspect())!
    expect(wallClock(nextTick!, 'Europe/Paris')).toBe('09:00')
    expect(nextTick! - tick).toBeGreaterThanOrEqual(23 * HOUR) // 23 h or 25 h across a DST change
    expect(nextTick! - tick).toBeLessThanOrEqual(25 * HOUR)
  })

  it('arms idempotently, before and after a tick', async () => {
    const [functionId, expression] = ['shop-cron-armed', '0 0 1 * *']
    const first = await cron(functionId, expression).arm(functionId, expression)
    expect(await cron(functionId, expression).arm(functionId, expression)).toEqual(first)
    expect(await alarmOf(functionId, expression)).toBe(first.nextTick)

    await fireAndRun(functionId, expression, first.nextTick!)
    const fired = (await cron(functionId, expression).inspect())!
    expect(fired.lastTick).toBe(first.nextTick)
    expect(await cron(functionId, expression).arm(functionId, expression)).toEqual(fired) // no rewind, no re-fire
    expect(await alarmOf(functionId, expression)).toBe(fired.nextTick)
    expect(hits(`tick:${eventIdOf(functionId, first.nextTick!)}`)).toBe(1)
  })

  it('starts only the scheduled function, never another listening to inngest/scheduled.timer', async () => {
    const [functionId, expression] = ['shop-cron-solo', '0 11 * * *']
    const tick = await armedTick(functionId, expression)
    await fireAndRun(functionId, expression, tick)
    const eventId = eventIdOf(functionId, tick)
    // Neither the cron function with the same expression nor the event listener ran for it.
    for (const other of ['shop-cron-bystander', 'shop-timer-listener']) {
      expect((await runStub(await deriveRunId(eventId, other, tick)).inspect()).status).toBe('Unknown')
    }
    expect((await cron('shop-cron-bystander', expression).arm('shop-cron-bystander', expression)).lastTick).toBeNull()

    // A inngest/scheduled.timer published as an event (outside senders may not: inngest/ names
    // are reserved) starts its listener, never a cron function.
    await expect(sendEvent('inngest/scheduled.timer', { cron: expression })).rejects.toThrow(/reserved/)
    const sent = { name: 'inngest/scheduled.timer', id: `timer-${tick}`, ts: Date.now(), data: { cron: expression }, user: {} }
    await publishEvents(testEnv, [sent])
    await waitForRun(await runIdFor(sent, 'shop-timer-listener'), (run) => run.status === 'Completed')
    expect((await runStub(await runIdFor(sent, functionId)).inspect()).status).toBe('Unknown')
  })

  it('passes each tick through the function\'s flow gates: a singleton skips a tick while its last run goes on', async () => {
    const [functionId, expression] = ['shop-cron-singleton', '0 14 * * *']
    const tick = await armedTick(functionId, expression)
    expect(await runDurableObjectAlarm(rawCron(functionId, expression))).toBe(true)
    const first = await scheduledRunId(functionId, tick)
    await waitForRun(first, (run) => run.snapshot?.value === 'sleeping')

    // The next day's tick finds the first run still sleeping: recorded as skipped, never run.
    expect(await runDurableObjectAlarm(rawCron(functionId, expression))).toBe(true)
    const second = await waitForRun(await scheduledRunId(functionId, tick + DAY), (run) => run.status === 'Skipped')
    expect(second.snapshot!.context.error).toMatchObject({ name: 'RunSkipped', message: 'singleton' })
    expect(second.steps).toEqual([])
    expect((await runStub(first).inspect()).snapshot!.value).toBe('sleeping')
    expect(await cron(functionId, expression).inspect()).toMatchObject({ lastTick: tick + DAY, pendingTick: null, nextTick: tick + 2 * DAY })
  })

  it('disarms when a deploy drops the trigger, and arms again when it returns', async () => {
    const [functionId, expression] = ['shop-cron-redeployed', '0 9 * * *']
    const original = findFunction('shop-cron-fires')!
    const deploy = (triggers: Array<{ cron: string } | { event: string }>) =>
      registerFunction(functionId, { ...original, options: { ...original.options, id: 'cron-redeployed', triggers } })
    deploy([{ cron: expression }])
    const tick = await armedTick(functionId, expression)

    deploy([{ event: 'cron/never-sent' }])
    expect(await runDurableObjectAlarm(rawCron(functionId, expression))).toBe(true)
    expect((await runStub(await scheduledRunId(functionId, tick)).inspect()).status).toBe('Unknown')
    expect(await cron(functionId, expression).inspect()).toMatchObject({ nextTick: null, lastTick: null })
    expect(await alarmOf(functionId, expression)).toBeNull()
    // Called in the object: the vitest plugin's RPC wrapper reports a rejected call as unhandled.
    await runInDurableObject(rawCron(functionId, expression), (instance: CronActor) =>
      expect(instance.arm(functionId, expression)).rejects.toThrow(/No function "shop-cron-redeployed" with the cron trigger/),
    )

    deploy([{ cron: expression }])
    expect(await armedTick(functionId, expression)).toBe(tick)
  })

  it('arms every registered cron trigger from the scheduled handler, without any event', async () => {
    await routeSchedules(createScheduledController(), testEnv)
    for (const [functionId, expression] of cronTriggers()) {
      await expect.poll(async () => (await cron(functionId, expression).inspect())?.nextTick ?? null).not.toBeNull()
    }
  })
})
