/**
 * Exactly once with the entity's state: a synchronous step body's writes to the object's own
 * SQLite commit in the step's transaction. Over random runs, the object is reset (`ctx.abort`,
 * as a crash or eviction) once at a random point: inside a step after its write, or just after a
 * step committed (a reset may also lose commits not yet durable: each step's write and row go
 * together). The counter the steps add to always equals the number of steps, though bodies cut
 * short ran again. A step may also throw after its write on its first attempt: its write is
 * rolled back with it, so its retry counts once (without the transaction it would count twice).
 * Reproducing a failure: FC_SEED=<seed> npx vitest run test/entity/exactly-once.prop.test.ts
 */
import { runDurableObjectAlarm } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import fc from 'fast-check'
import { describe, expect, it, vi } from 'vitest'
import type { EntityRunRemote } from '../../actors/entity/entity-stub.js'
import type { Remote } from '../../actors/remote.js'
import { seedParams } from '../fixtures/fc-seed.js'
import type { Document } from '../fixtures/entity-functions.js'
import { hits, uniqueLabel } from '../fixtures/probes.js'
import { runIdFor, sendEvent } from '../fixtures/runs.js'

const documents = (env as unknown as { DOCUMENTS: DurableObjectNamespace<Document> }).DOCUMENTS
const objectNamed = (name: string) => documents.get(documents.idFromName(name))
const documentNamed = (name: string) => objectNamed(name) as unknown as EntityRunRemote & Remote<Document, 'counter'>

/** Steps, and at most one reset point and one step that fails once after its write. */
const faults = fc.integer({ min: 1, max: 4 }).chain((n) =>
  fc.tuple(fc.constant(n), fc.option(fc.integer({ min: 0, max: 2 * n - 1 }), { nil: undefined }), fc.option(fc.integer({ min: 0, max: n - 1 }), { nil: undefined })),
)

describe('exactly once with the entity’s state (property)', () => {
  it('counts every step once, whatever point the object is reset at', async () => {
    const runs = { crashed: 0, failed: 0 }
    await fc.assert(
      fc.asyncProperty(faults, async ([n, crashAt, failAt]) => {
        const doc = uniqueLabel('count-doc')
        const label = uniqueLabel('count')
        const data = { doc, n, label, ...(crashAt === undefined ? {} : { crashAt }), ...(failAt === undefined ? {} : { failAt }) }
        const runId = await runIdFor(await sendEvent('doc/count', data), 'docs-count')
        // A stub that saw its object reset stays broken: each call takes a new one.
        await vi.waitFor(
          async () => {
            // A reset object resumes on its alarm (its watchdog), a failed step on its retry's: fire it rather than wait.
            await runDurableObjectAlarm(objectNamed(doc)).catch(() => false)
            const run = (await documentNamed(doc).listRuns()).find((r) => r.runId === runId)
            expect(run?.status).toBe('Completed')
          },
          { timeout: 10_000, interval: 20 },
        )
        if (crashAt !== undefined) runs.crashed++
        if (failAt !== undefined) runs.failed++
        expect(await documentNamed(doc).counter(label)).toBe(n)
        // Without a reset each body ran once. A reset makes the bodies whose commits were not yet
        // durable run again (the one it cut short at least): their writes were lost with their rows.
        const ran = hits(`doc-count:${label}`)
        const again = failAt === undefined ? 0 : 1 // the failed attempt's body
        if (crashAt === undefined) expect(ran).toBe(n + again)
        else expect(ran).toBeGreaterThan((crashAt % 2 === 0 ? n : n - 1) + again)
      }),
      seedParams({ numRuns: 25 }),
    )
    // Not vacuous: resets and failing steps both happened.
    expect(runs.crashed).toBeGreaterThan(5)
    expect(runs.failed).toBeGreaterThan(5)
  }, 120_000)
})
