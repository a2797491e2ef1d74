/**
 * A schema's `create` script (what a new object runs instead of every migration) leaves exactly
 * what the migrations leave: the same tables, columns, indexes and triggers.
 */
import { runInDurableObject } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { migrate, type Schema } from '../../actors/storage/migrations.js'
import { RUN_SCHEMA } from '../../actors/storage/run-schema.js'
import { uniqueLabel } from '../fixtures/probes.js'
import { testEnv } from '../fixtures/runs.js'

/** The schema objects of an object's SQLite, each with its columns, comparable across objects. */
function schemaOf(sql: SqlStorage): unknown[] {
  const objects = sql
    .exec<{ type: string; name: string; tbl_name: string }>("SELECT type, name, tbl_name FROM sqlite_master WHERE name LIKE 'inngest_%' ORDER BY type, name")
    .toArray()
  return objects.map((object) => ({
    ...object,
    columns: object.type === 'table' ? sql.exec(`SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info('${object.name}') ORDER BY cid`).toArray() : [],
  }))
}

/** The schema a fresh object gets from `schema`: with its create script, or with its migrations one by one. */
async function built(schema: Schema): Promise<unknown[]> {
  // An EventIndexActor is a convenient empty object: its own tables are named differently.
  const stub = testEnv.INNGEST_EVENT_INDEX.get(testEnv.INNGEST_EVENT_INDEX.idFromName(uniqueLabel('schema')))
  return runInDurableObject(stub, (_instance, state) => {
    migrate(state.storage, schema)
    return schemaOf(state.storage.sql).filter((object) => !String((object as { name: string }).name).startsWith('inngest_events') && (object as { name: string }).name !== 'inngest_schema' && (object as { name: string }).name !== 'inngest_chunks')
  })
}

describe('schema create scripts', () => {
  it('creates for a new run object exactly what the run migrations leave', async () => {
    const { create, ...byMigrations } = RUN_SCHEMA
    expect(create).toBeDefined()
    const fromCreate = await built(RUN_SCHEMA)
    const fromMigrations = await built({ ...byMigrations, name: 'run' })
    expect(fromCreate.length).toBeGreaterThanOrEqual(3)
    expect(fromCreate).toEqual(fromMigrations)
  })
})
