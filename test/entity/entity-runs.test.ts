/**
 * Workflows inside the user's own Durable Objects (`InngestEntity`): many runs per object, at
 * once and over time, on one alarm; events routed to the object their key names; waits,
 * cancellations, invoke and concurrency limits reach runs there; the REST API finds them.
 */
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it, vi } from 'vitest'
import type { RunInspection } from '../../actors/internal.js'
import type { EntityRunRemote } from '../../actors/entity/entity-stub.js'
import type { Remote } from '../../actors/remote.js'
import type { Document } from '../fixtures/entity-functions.js'
import { gate, hits, openGate, uniqueLabel } from '../fixtures/probes.js'
import { AUTH, request, runIdFor, runStub, sendEvent, stateOf, waitForRun } from '../fixtures/runs.js'

const documents = (env as unknown as { DOCUMENTS: DurableObjectNamespace<Document> }).DOCUMENTS
/** The entity's stub, typed as callers see it (Workers' stub types turn `unknown` results into never). */
const documentNamed = (name: string) => documents.get(documents.idFromName(name)) as unknown as EntityRunRemote & Remote<Document, 'begin' | 'counter' | 'remindAt' | 'reminders'>
const objectNamed = (name: string) => documents.get(documents.idFromName(name))
const alarmOf = (name: string) => runInDurableObject(objectNamed(name), (_object, state) => state.storage.getAlarm())

/** Sends `name` with `data` and resolves with the run it starts for `functionId` once that run exists. */
async function start(name: string, data: Record<string, unknown>, functionId: string): Promise<string> {
  const runId = await runIdFor(await sendEvent(name, data), functionId)
  await waitForRun(runId, (run) => run.status !== 'Unknown')
  return runId
}

const outputOf = (run: RunInspection) => run.output

describe('an entity object hosting runs', () => {
  it('runs two workflows at once and a third later, each inspectable, on the object’s one alarm', async () => {
    const doc = uniqueLabel('doc')
    const [one, two] = await Promise.all([start('doc/review', { doc, label: 'one' }, 'docs-review'), start('doc/review', { doc, label: 'two' }, 'docs-review')])
    const sleeping = await Promise.all([one, two].map((runId) => waitForRun(runId, (run) => stateOf(run) === 'sleeping')))
    expect(sleeping.map((run) => run.steps.find((step) => step.id === 'read')?.output).sort()).toEqual([`${doc}:one`, `${doc}:two`])
    const object = documentNamed(doc)
    expect((await object.listRuns()).map((run) => run.runId).sort()).toEqual([one, two].sort())
    // One alarm for both: the earlier wake-up.
    const wakes = sleeping.map((run) => run.snapshot!.context.timers[0]!.at)
    expect(await alarmOf(doc)).toBe(Math.min(...wakes))

    expect(await runDurableObjectAlarm(objectNamed(doc))).toBe(true)
    // Both were due by then? The later one wakes on the next alarm.
    await runDurableObjectAlarm(objectNamed(doc))
    const done = await Promise.all([one, two].map((runId) => waitForRun(runId, (run) => run.status === 'Completed')))
    expect(done.map(outputOf).sort()).toEqual([`${doc}:one:done`, `${doc}:two:done`])
    expect(await alarmOf(doc)).toBeNull()

    const third = await object.begin('docs-internal', { note: 'later' })
    await vi.waitFor(async () => expect(stateOf(await object.inspectRun(third))).toBe('sleeping'))
    const listed = await object.listRuns()
    expect(listed.map((run) => run.runId).sort()).toEqual([one, two, third].sort())
    expect(listed[0]).toMatchObject({ runId: third, functionId: 'docs-internal', status: 'Running' }) // newest first
    expect(listed.filter((run) => run.status === 'Completed').length).toBe(2)
    expect(await runDurableObjectAlarm(objectNamed(doc))).toBe(true)
    await vi.waitFor(async () => expect((await object.inspectRun(third)).status).toBe('Completed'))
    expect((await object.inspectRun(third)).output).toBe('internal later')
  })

  it('shares the object’s alarm with the user’s own', async () => {
    const doc = uniqueLabel('doc')
    const runId = await start('doc/review', { doc, label: 'x' }, 'docs-review')
    const run = await waitForRun(runId, (r) => stateOf(r) === 'sleeping')
    const wake = run.snapshot!.context.timers[0]!.at
    const object = documentNamed(doc)
    await object.remindAt(wake - 5_000)
    expect(await alarmOf(doc)).toBe(wake - 5_000)
    expect(await runDurableObjectAlarm(objectNamed(doc))).toBe(true)
    expect(await object.reminders()).toBe(1)
    expect(stateOf(await runStub(runId).inspect())).toBe('sleeping')
    expect(await alarmOf(doc)).toBe(wake)
  })
})

describe('routing to entities', () => {
  it('starts each run in the object its key names, and the REST API finds it by run id', async () => {
    const [a, b] = [uniqueLabel('doc-a'), uniqueLabel('doc-b')]
    const runA = await start('doc/review', { doc: a, label: 'a' }, 'docs-review')
    const runB = await start('doc/review', { doc: b, label: 'b' }, 'docs-review')
    expect((await documentNamed(a).listRuns()).map((run) => run.runId)).toEqual([runA])
    expect((await documentNamed(b).listRuns()).map((run) => run.runId)).toEqual([runB])
    const response = await request(`/v1/runs/${runA}`, { headers: AUTH })
    expect(response.status).toBe(200)
    const body = (await response.json()) as { data: { run_id: string; function_id: string; status: string; steps: { id: string }[] } }
    expect(body.data).toMatchObject({ run_id: runA, function_id: 'docs-review', status: 'Running' })
    expect(body.data.steps.map((step) => step.id)).toContain('read')
    // Cancelling by id reaches the entity too.
    const cancelled = await request(`/v1/runs/${runB}`, { method: 'DELETE', headers: AUTH })
    expect(((await cancelled.json()) as { data: { status: string } }).data.status).toBe('Cancelled')
    expect((await documentNamed(b).inspectRun(runB)).status).toBe('Cancelled')
  })

  it('skips a run whose key names no object, saying why', async () => {
    const runId = await start('doc/review', { label: 'no doc' }, 'docs-review')
    const run = await waitForRun(runId, (r) => r.status === 'Skipped')
    expect(run.snapshot!.context.error!.message).toMatch(/host\.key event\.data\.doc gave nothing/)
  })

  it('delivers a matching event to a run waiting in its entity, and a cancelOn event cancels one', async () => {
    const [x, y] = [uniqueLabel('doc-x'), uniqueLabel('doc-y')]
    const waiting = await start('doc/submitted', { doc: x }, 'docs-approval')
    const doomed = await start('doc/submitted', { doc: y }, 'docs-approval')
    await Promise.all([waiting, doomed].map((runId) => waitForRun(runId, (run) => stateOf(run) === 'waiting')))
    await sendEvent('doc/approved', { doc: x, by: 'ann' })
    expect((await waitForRun(waiting, (run) => run.status === 'Completed')).output).toBe('approved by ann')
    await sendEvent('doc/deleted', { doc: y })
    expect((await waitForRun(doomed, (run) => run.status === 'Cancelled')).status).toBe('Cancelled')
  })

  it('invokes a function from a run in an entity and gets its result there', async () => {
    const doc = uniqueLabel('doc')
    const runId = await start('doc/invoke', { doc }, 'docs-invoker')
    expect((await waitForRun(runId, (run) => run.status === 'Completed')).output).toBe(`summary of ${doc}`)
  })

  it('holds a concurrency limit across entities', async () => {
    const [first, second] = [uniqueLabel('one'), uniqueLabel('two')]
    // Gates made here, not inside an object: opening them reaches into no object's context.
    for (const label of [first, second]) void gate(`doc-exclusive:${label}`)
    const runOne = await start('doc/exclusive', { doc: uniqueLabel('doc'), label: first }, 'docs-exclusive')
    await vi.waitFor(() => expect(hits(`doc-exclusive:${first}`)).toBe(1))
    const runTwo = await start('doc/exclusive', { doc: uniqueLabel('doc'), label: second }, 'docs-exclusive')
    // The second waits for the slot while the first holds it: poll its state, never a sleep.
    await waitForRun(runTwo, (run) => stateOf(run) === 'running')
    expect(hits(`doc-exclusive:${second}`)).toBe(0)
    openGate(`doc-exclusive:${first}`)
    await waitForRun(runOne, (run) => run.status === 'Completed')
    await vi.waitFor(() => expect(hits(`doc-exclusive:${second}`)).toBe(1), { timeout: 5_000 })
    openGate(`doc-exclusive:${second}`)
    await waitForRun(runTwo, (run) => run.status === 'Completed')
  })
})
