/**
 * An entity's run list: which finished runs pruning may delete (ended before the retention, no
 * effect left, no alarm), and that deleting one leaves none of its rows behind.
 */
import { runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { EntityRunList } from '../../actors/storage/entity-run-list.js'
import { RunStore } from '../../actors/storage/run-store.js'
import type { Document } from '../fixtures/entity-functions.js'
import { uniqueLabel } from '../fixtures/probes.js'

const documents = (env as unknown as { DOCUMENTS: DurableObjectNamespace<Document> }).DOCUMENTS
const retry = { attempts: 1, backoff: 'fixed', initialDelayMs: 0, maxDelayMs: 0 } as const

function storeRun(storage: DurableObjectStorage, list: EntityRunList, runId: string, value: 'done' | 'sleeping', endedAt: number | null): RunStore {
  const store = new RunStore(storage, runId)
  list.add(runId, 'docs-count', 0)
  const context = { runId, functionId: 'docs-count', retry, maxSteps: 10, attempt: 0, timers: [], queuedAt: 0, startedAt: 0, endedAt, outcome: value === 'done' ? 'completed' : null, error: null } as const
  store.writeSnapshot({ version: 3, value, context })
  store.writeStep({ key: 'a', id: 'a', kind: 'run', position: 0, concurrent: false, status: 'completed', attempts: 0, output: '"x"', error: null, startedAt: 0, endedAt: 1, wakeAt: null })
  return store
}

describe('an entity’s run list', () => {
  it('prunes finished runs past the retention, with none of their rows left, and keeps the rest', async () => {
    const stub = documents.get(documents.idFromName(uniqueLabel('prune-doc')))
    await runInDurableObject(stub, (_object, state) => {
      const list = new EntityRunList(state.storage)
      storeRun(state.storage, list, 'old', 'done', 1_000)
      storeRun(state.storage, list, 'recent', 'done', 5_000)
      storeRun(state.storage, list, 'going', 'sleeping', null)
      storeRun(state.storage, list, 'owing', 'done', 1_000).appendEffect({ kind: 'publish', events: [] })
      storeRun(state.storage, list, 'alarmed', 'done', 1_000)
      list.setAlarm('alarmed', 9_000)
      expect(list.prunable(2_000, 10)).toEqual(['old'])
      list.delete('old')
      const left = (table: string) => state.storage.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table} WHERE run_id = 'old'`).one().n
      expect(['inngest_entity_runs', 'inngest_entity_run_state', 'inngest_entity_steps', 'inngest_entity_effects'].map(left)).toEqual([0, 0, 0, 0])
      expect(list.list(10).map((run) => run.runId).sort()).toEqual(['alarmed', 'going', 'owing', 'recent'])
      // Each run reads only its own rows.
      expect(new RunStore(state.storage, 'recent').readSteps().map((row) => row.key)).toEqual(['a'])
      expect(new RunStore(state.storage, 'owing').hasEffects()).toBe(true)
      expect(new RunStore(state.storage, 'recent').hasEffects()).toBe(false)
    })
  })
})
