import { env, runInDurableObject } from 'cloudflare:test'
import { it } from 'vitest'
import process from 'node:process'
it('probe', async () => {
  const a = process.hrtime.bigint(); let x = 0; for (let i = 0; i < 1e5; i++) x += i
  console.log('hrtime ns', process.hrtime.bigint() - a, x > 0)
  const ns = (env as any).FLOOR as DurableObjectNamespace
  const stub = ns.get(ns.idFromName('y'))
  await runInDurableObject(stub, (_i, state: DurableObjectState) => {
    const sql = state.storage.sql
    sql.exec('CREATE TABLE w (k TEXT PRIMARY KEY, v TEXT) WITHOUT ROWID')
    sql.exec('CREATE TABLE r (pos INTEGER PRIMARY KEY, k TEXT, v TEXT)')
    console.log('wr insert', sql.exec('INSERT INTO w VALUES (?, ?)', 'a', '1').rowsWritten)
    console.log('wr replace', sql.exec('INSERT OR REPLACE INTO w VALUES (?, ?)', 'a', '2').rowsWritten)
    console.log('wr upsert', sql.exec('INSERT INTO w VALUES (?, ?) ON CONFLICT(k) DO UPDATE SET v = excluded.v', 'a', '3').rowsWritten)
    console.log('rowid insert', sql.exec('INSERT INTO r (k, v) VALUES (?, ?)', 'a', '1').rowsWritten)
    const big = 'x'.repeat(3000)
    console.log('wr big upsert', sql.exec('INSERT INTO w VALUES (?, ?) ON CONFLICT(k) DO UPDATE SET v = excluded.v', 'a', big).rowsWritten)
    console.log('read rows', sql.exec('SELECT * FROM w').toArray().length)
    const c = sql.exec('SELECT * FROM w'); console.log('rowsRead before iter', c.rowsRead); c.toArray(); console.log('after', c.rowsRead)
    const i = sql.exec('INSERT INTO r (k, v) VALUES (?, ?)', 'b', '1'); console.log('insert lazily?', i.rowsWritten)
  })
})
