import { evictDurableObject, runInDurableObject } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import type { EventStreamRpc, RunEventPayload } from '../../actors/internal.js'
import { STREAM_SCHEMA } from '../../actors/storage/stream-schema.js'
import { uniqueLabel } from '../fixtures/probes.js'
import { sendEvent, stateOf, testEnv, trigger, waitForRun } from '../fixtures/runs.js'

const HOUR_MS = 60 * 60 * 1000

const streamObject = (name: string) => testEnv.INNGEST_EVENT_STREAMS.get(testEnv.INNGEST_EVENT_STREAMS.idFromName(`stream:${name}`))

/** A registration as schema 1 stored it: no host column, so always the run's own RunActor. */
interface Schema1Wait {
  readonly runId: string
  readonly stepKey: string
  readonly kind: 'wait' | 'cancel'
  readonly trigger: RunEventPayload
}

/**
 * Leaves the stream object of `name` as a deployment of schema 1 left it: its tables, version 1
 * recorded, and `wait` registered then; then evicts it, so the next request starts it again and
 * its constructor applies the later migrations to this existing storage.
 */
async function streamWrittenUnderSchema1(name: string, wait: Schema1Wait): Promise<DurableObjectStub> {
  const stream = streamObject(name)
  await runInDurableObject(stream, (_instance, state) => {
    const sql = state.storage.sql
    sql.exec('DROP TABLE inngest_stream_waits; DROP TABLE inngest_stream_events')
    sql.exec("DELETE FROM inngest_schema WHERE name = 'stream'")
    sql.exec(STREAM_SCHEMA.migrations[0]!)
    sql.exec("INSERT INTO inngest_schema (name, version) VALUES ('stream', 1)")
    sql.exec(
      `INSERT INTO inngest_stream_waits (run_id, step_key, kind, event, expression, trigger, since_ts, expires_at, resolved_by, registered_seq)
       VALUES (?, ?, ?, ?, NULL, ?, 0, ?, NULL, 1)`,
      wait.runId,
      wait.stepKey,
      wait.kind,
      name,
      JSON.stringify(wait.trigger),
      Date.now() + HOUR_MS,
    )
  })
  await evictDurableObject(stream)
  return stream
}

describe('the event stream schema', () => {
  it('migrates a stream written under schema 1, and delivers its old waits to INNGEST_RUNS through the queue', async () => {
    const orderId = uniqueLabel('legacy')
    const runId = await trigger('approval/requested', { label: orderId, orderId }, 'shop-await-approval')
    await waitForRun(runId, (r) => stateOf(r) === 'waiting')
    const name = `legacy/approved-${orderId}`
    const triggerEvent = { name: 'approval/requested', id: 'legacy-trigger', ts: 0, data: { orderId } }
    const stream = await streamWrittenUnderSchema1(name, { runId, stepKey: 'approval', kind: 'wait', trigger: triggerEvent })

    const eventId = await sendEvent(name, { by: 'legacy' })
    const run = await waitForRun(runId, (r) => r.status === 'Completed')
    expect(run.output).toEqual({ by: 'legacy' })

    const after = await runInDurableObject(stream, (_instance, state) => {
      const sql = state.storage.sql
      return {
        version: sql.exec<{ v: number }>("SELECT MAX(version) AS v FROM inngest_schema WHERE name = 'stream'").one().v,
        columns: sql.exec<{ name: string }>('PRAGMA table_info(inngest_stream_waits)').toArray().map((column) => column.name),
        events: sql.exec<{ id: string }>('SELECT id FROM inngest_stream_events').toArray().map((row) => row.id),
      }
    })
    expect(after.version).toBe(STREAM_SCHEMA.migrations.length)
    expect(after.columns).toContain('host')
    expect(after.events).toEqual([eventId])
  })

  it('answers an old registration with a match that names no host', async () => {
    const name = `legacy/direct-${uniqueLabel('legacy')}`
    const triggerEvent = { name: 'legacy/start', id: 'legacy-trigger', ts: 0, data: {} }
    const stream = await streamWrittenUnderSchema1(name, { runId: 'old-run', stepKey: 'cancelOn:0', kind: 'cancel', trigger: triggerEvent })
    const matches = await (stream as unknown as EventStreamRpc).ingest({ name, id: 'e-1', ts: Date.now(), data: {} })
    expect(matches).toStrictEqual([{ kind: 'cancel', runId: 'old-run', stepKey: 'cancelOn:0' }])
  })
})
