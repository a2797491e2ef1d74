import { abortAllDurableObjects, evictDurableObject, runDurableObjectAlarm } from 'cloudflare:test'
import { ulid } from 'ulid'
import { expect, it, vi } from 'vitest'
import { runActorStub } from '../../actors/index.js'
import { armPause, takeReachedPause, type Program } from '../fixtures/program-function.js'
import { hits, uniqueLabel } from '../fixtures/probes.js'
import { testEnv } from '../fixtures/runs.js'

for (const variant of ['start-abort', 'alarm-abort', 'alarm-evict-after-abort']) it(variant, { timeout: 60_000 }, async () => {
  const runId = ulid()
  const label = uniqueLabel('exp')
  const program: Program = [
    { op: 'run', id: 'a', value: 1, failTimes: variant === 'start-abort' ? 0 : 1 },
    { op: 'run', id: 'b', value: 2, failTimes: 0 },
  ]
  armPause(label, 'b', 0)
  const raw = testEnv.INNGEST_RUNS.get(testEnv.INNGEST_RUNS.idFromName(runId))
  const stub = runActorStub(testEnv.INNGEST_RUNS, runId)
  await stub.start({ runId, functionId: 'shop-program', events: [{ name: 'engine/program', id: ulid(), ts: Date.now(), data: { program, label } }] })
  let t = Date.now()
  let alarm: Promise<unknown> = Promise.resolve()
  if (variant !== 'start-evict') {
    await vi.waitFor(async () => expect((await stub.inspect()).snapshot?.value).toBe('retrying'), { interval: 5 })
    alarm = runDurableObjectAlarm(raw).then((r) => console.log('alarm returned', r, Date.now() - t), (e) => console.log('alarm rejected', String(e), Date.now() - t))
  }
  await vi.waitFor(() => expect(takeReachedPause(label)).toBe(true), { interval: 5 })
  await new Promise((r) => setTimeout(r, 5))
  t = Date.now()
  await abortAllDurableObjects()
  console.log(variant, 'evicted in', Date.now() - t)
  await alarm
  const raw2 = testEnv.INNGEST_RUNS.get(testEnv.INNGEST_RUNS.idFromName(runId))
  const stub2 = runActorStub(testEnv.INNGEST_RUNS, runId)
  const before = await stub2.inspect()
  console.log(before.snapshot?.value, JSON.stringify(before.steps.map((s) => [s.key, s.status])))
  t = Date.now()
  console.log('alarm ran', await runDurableObjectAlarm(raw2), Date.now() - t)
  if (variant === 'alarm-evict-after-abort') { await evictDurableObject(raw2); console.log('evict ok') }
  const run = await stub2.inspect()
  console.log(run.status, JSON.stringify(run.output), hits(`program:${label}:b:body`), hits(`program:${label}:b:entry`))
})
