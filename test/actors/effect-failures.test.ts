/**
 * The end of a run always finishes: an effect that fails is retried with backoff, then kept as
 * failed in the run's inspection, never dropped; the effects behind it still happen, except
 * those that must follow it (the same event stream's), which wait their turn.
 */
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { describe, expect, it, vi } from 'vitest'
import { ulid } from 'ulid'
import { runActorPorts, type RunActorEnv, type RunInspection, type StartRunRequest } from '../../actors/internal.js'
import { EFFECT_MAX_ATTEMPTS } from '../../actors/effect-retry.js'
import { portOverrides } from '../fixtures/embedded-runs.js'
import '../fixtures/lifecycle-functions.js'
import { hit, hits, uniqueLabel } from '../fixtures/probes.js'
import { testEnv } from '../fixtures/runs.js'

interface EmbeddedStub {
  startRun(request: StartRunRequest): Promise<unknown>
  inspect(): Promise<RunInspection>
}

const embeddedObject = (name: string) => testEnv.EMBEDDED_RUNS.get(testEnv.EMBEDDED_RUNS.idFromName(name))
const streamObject = (name: string) => testEnv.INNGEST_EVENT_STREAMS.get(testEnv.INNGEST_EVENT_STREAMS.idFromName(`stream:${name}`))

/** Starts `shop-lifecycle-probe` in the embedded object `name` (its ports as `portOverrides` has them). */
async function startProbe(name: string, parent?: StartRunRequest['parent']): Promise<{ stub: EmbeddedStub; runId: string }> {
  const stub = embeddedObject(name) as unknown as EmbeddedStub
  const runId = ulid()
  const event = { name: 'lifecycle/start', id: ulid(), ts: Date.now(), data: { label: name }, user: {} }
  await stub.startRun({ runId, functionId: 'shop-lifecycle-probe', events: [event], ...(parent ? { parent } : {}) })
  return { stub, runId }
}

async function until(stub: EmbeddedStub, accept: (run: RunInspection) => boolean): Promise<RunInspection> {
  let last: RunInspection | undefined
  await vi.waitFor(
    async () => {
      last = await stub.inspect()
      if (!accept(last)) throw new Error(`run is ${last.status}, failed effects ${JSON.stringify(last.failedEffects)}`)
    },
    { timeout: 5_000, interval: 10 },
  )
  return last!
}

/** The registrations the stream `lifecycle/cancel` holds for `runId`. */
const registrationsOf = (runId: string) =>
  runInDurableObject(streamObject('lifecycle/cancel'), (_instance, state) =>
    state.storage.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM inngest_stream_waits WHERE run_id = ?', runId).one().n,
  )

/** The pending effect rows of the embedded object: attempts, and how far ahead the next is due. */
const pendingEffects = (name: string) =>
  runInDurableObject(embeddedObject(name), (_instance, state) =>
    state.storage.sql
      .exec<{ attempts: number; due_at: number }>('SELECT attempts, due_at FROM inngest_effects WHERE failed_at IS NULL ORDER BY seq')
      .toArray()
      .map((row) => ({ attempts: row.attempts, dueIn: row.due_at - Date.now() })),
  )

describe('a run whose effects fail', () => {
  it('retries a failing effect with backoff, then records it as failed, while the others happen', async () => {
    const name = uniqueLabel('faulty-publish')
    portOverrides.set(name, {
      announceEvents: async () => {
        hit(`publish:${name}`)
        throw new Error('the queue is down')
      },
      notifyParent: undefined,
    })
    const { stub, runId } = await startProbe(name, { runId: 'a-parent-this-host-cannot-reach', stepKey: 'invoke' })

    // The run completes; a missing port cannot be fixed by retrying, so that effect fails at once;
    // the stream clean-up behind the failing publish happens all the same.
    const ended = await until(stub, (run) => run.status === 'Completed' && run.failedEffects.length === 1 && hits(`publish:${name}`) >= 1)
    expect(ended.output).toBe(name)
    expect(ended.failedEffects[0]).toMatchObject({ kind: 'notify-parent', attempts: 1, error: { name: 'MissingPortError' } })
    expect(ended.effectsPending).toBe(true)
    await vi.waitFor(async () => expect(await registrationsOf(runId)).toBe(0))

    // Each alarm is one more attempt, due later and later; then the run gives up on it. (The
    // first retries are due in a second or two: the real alarm may take one, which only counts.)
    const dueIn: Array<{ attempts: number; dueIn: number }> = []
    for (let round = 0; round < 2 * EFFECT_MAX_ATTEMPTS; round++) {
      const [pending] = await pendingEffects(name)
      if (!pending) break
      dueIn.push(pending)
      await runDurableObjectAlarm(embeddedObject(name))
    }
    // Attempts made late enough that no real alarm raced the test's: 16 s, 32 s … capped at 10 min.
    for (const { attempts, dueIn: ahead } of dueIn.filter((pending) => pending.attempts >= 5)) {
      const backoff = Math.min(600_000, 1_000 * 2 ** (attempts - 1))
      expect(ahead, `retry after attempt ${attempts}`).toBeGreaterThan(backoff - 2_000)
      expect(ahead).toBeLessThanOrEqual(backoff)
    }
    const done = await stub.inspect()
    expect(done.effectsPending).toBe(false)
    // In the order the run gave up on them.
    expect(done.failedEffects.map((failed) => [failed.kind, failed.attempts, failed.error?.message])).toEqual([
      ['notify-parent', 1, expect.stringMatching(/no ports.notifyParent/)],
      ['publish', EFFECT_MAX_ATTEMPTS, 'the queue is down'],
    ])
    expect(hits(`publish:${name}`)).toBeGreaterThanOrEqual(EFFECT_MAX_ATTEMPTS)
    expect(await runInDurableObject(embeddedObject(name), (_instance, state) => state.storage.getAlarm())).toBeNull()
  })

  it('holds back only the effects to the same event stream: forget waits for its failed registration', async () => {
    const name = uniqueLabel('faulty-register')
    const real = runActorPorts(testEnv as unknown as RunActorEnv)
    portOverrides.set(name, {
      register: async (registration) => {
        if (hit(`register:${name}`) === 1) throw new Error('the stream is unreachable')
        return real.register!(registration)
      },
    })
    const { stub, runId } = await startProbe(name)

    // The run completes and publishes; its forget waits behind the registration to retry, and
    // is due when it is (the alarm is not set for an effect that cannot go).
    const ended = await until(stub, (run) => run.status === 'Completed')
    expect(ended.effectsPending).toBe(true)
    // The end's round defers the forget when it reaches it (after the effects before it).
    await vi.waitFor(async () => {
      const [register, forget] = await pendingEffects(name)
      expect([register?.attempts, forget?.attempts]).toEqual([1, 0])
      expect(forget!.dueIn).toBe(register!.dueIn)
    })
    expect(await registrationsOf(runId)).toBe(0)

    await runDurableObjectAlarm(embeddedObject(name)) // or the real one, due in a second
    const done = await until(stub, (run) => !run.effectsPending)
    expect(done.failedEffects).toEqual([])
    expect(hits(`register:${name}`)).toBe(2)
    // Registered, then forgotten: nothing left behind in the stream.
    expect(await registrationsOf(runId)).toBe(0)
  })
})
