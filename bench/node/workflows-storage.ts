/**
 * The storage of Cloudflare Workflows' local Engine objects, read from outside workerd. Each
 * instance's Engine object keeps a SQLite file in miniflare's temp directory
 * (`workflows/<workflow name>/<hash>.sqlite`, plus its WAL); the file written last belongs to
 * the instance the benchmark just ran. It is opened read-only with `node:sqlite`, which reads
 * the WAL too, so the figures are what the engine has committed.
 */
import { existsSync, readdirSync, readlinkSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'

/** What one instance's Engine object stores. */
export interface WorkflowStorage {
  readonly file: string
  /** page_count × page_size: the database's logical size, like `sql.databaseSize`. */
  readonly bytes: number
  /** Rows per table (`_cf_KV` is the Durable Object key-value API's table). */
  readonly rows: Record<string, number>
}

/** The directory of workerd's open Workflows Engine files, from its file descriptors. */
function workflowsDir(workerdPid: number): string {
  for (const fd of readdirSync(`/proc/${workerdPid}/fd`)) {
    let target: string
    try {
      target = readlinkSync(`/proc/${workerdPid}/fd/${fd}`)
    } catch {
      continue // closed while we looked
    }
    const at = target.indexOf('/workflows/')
    if (at < 0) continue
    const slash = target.indexOf('/', at + '/workflows/'.length)
    return slash < 0 ? target : target.slice(0, slash)
  }
  throw new Error(`workerd (pid ${workerdPid}) has no Workflows Engine file open`)
}

function lastWritten(path: string): number {
  const wal = `${path}-wal`
  return Math.max(statSync(path).mtimeMs, existsSync(wal) ? statSync(wal).mtimeMs : 0)
}

/** The storage of the Workflows instance whose Engine object wrote last. */
export function workflowInstanceStorage(workerdPid: number): WorkflowStorage {
  const dir = workflowsDir(workerdPid)
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.sqlite') && name !== 'metadata.sqlite')
    .map((name) => join(dir, name))
  if (files.length === 0) throw new Error(`no Engine databases in ${dir}`)
  const file = files.reduce((newest, candidate) => (lastWritten(candidate) > lastWritten(newest) ? candidate : newest))
  const db = new DatabaseSync(file, { readOnly: true })
  try {
    const pragma = (name: string) => Number(Object.values(db.prepare(`PRAGMA ${name}`).get() ?? {})[0])
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as Array<{ name: string }>
    const rows: Record<string, number> = {}
    for (const { name } of tables) rows[name] = Number((db.prepare(`SELECT COUNT(*) AS n FROM "${name}"`).get() as { n: number }).n)
    return { file, bytes: pragma('page_count') * pragma('page_size'), rows }
  } finally {
    db.close()
  }
}
