/**
 * The app registry: one Durable Object (`idFromName('apps')`) keeping every app synced from an
 * official Inngest SDK, and a version number bumped by each sync, so that an isolate holding the
 * apps in its function registry can tell, with one cheap call, whether to load them again
 * (synced-functions.ts). Syncs are rare (a deploy, `curl -X PUT`), so one object serves them all.
 */
import { DurableObject } from 'cloudflare:workers'
import { migrate, type Schema } from '../storage/migrations.js'
import type { Remote } from '../remote.js'
import type { SyncedApp, SyncedAppsSnapshot, SyncOutcome } from './synced-app.js'

export const APP_SCHEMA: Schema = {
  name: 'apps',
  migrations: [
    // 1: one row per app (its record as JSON), and the registry's version.
    `CREATE TABLE inngest_apps (id TEXT PRIMARY KEY, url TEXT NOT NULL, record TEXT NOT NULL, synced_at INTEGER NOT NULL) WITHOUT ROWID;
     CREATE TABLE inngest_apps_version (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL);
     INSERT INTO inngest_apps_version (id, version) VALUES (1, 0);`,
  ],
}

/** The registry's RPC surface as callers see it. */
export type AppRegistryRpc = Remote<AppRegistryActor, 'sync' | 'version' | 'snapshot' | 'app' | 'remove'>

/** The binding of the app registry. */
export interface AppRegistryEnv {
  readonly INNGEST_APPS?: DurableObjectNamespace<AppRegistryActor>
}

/** The one app registry object. */
export function appRegistryStub(namespace: DurableObjectNamespace<AppRegistryActor>): AppRegistryRpc {
  return namespace.get(namespace.idFromName('apps'))
}

export class AppRegistryActor extends DurableObject<Record<string, never>> {
  constructor(ctx: DurableObjectState, env: Record<string, never>) {
    super(ctx, env)
    void ctx.blockConcurrencyWhile(async () => migrate(ctx.storage, APP_SCHEMA))
  }

  /** Stores `app` in place of its last sync; the version moves on only when something changed. */
  sync(app: SyncedApp): SyncOutcome {
    const sql = this.ctx.storage.sql
    const before = sql.exec<{ record: string }>('SELECT record FROM inngest_apps WHERE id = ?', app.id).toArray()[0]
    const previous = before ? (JSON.parse(before.record) as SyncedApp) : undefined
    const modified = !previous || JSON.stringify(definitionOf(previous)) !== JSON.stringify(definitionOf(app))
    this.ctx.storage.transactionSync(() => {
      sql.exec('INSERT OR REPLACE INTO inngest_apps (id, url, record, synced_at) VALUES (?, ?, ?, ?)', app.id, app.url, JSON.stringify(app), app.syncedAt)
      if (modified) sql.exec('UPDATE inngest_apps_version SET version = version + 1 WHERE id = 1')
    })
    return { version: this.version(), modified }
  }

  /** The registry's version: it changes with every sync that changed an app. */
  version(): number {
    return this.ctx.storage.sql.exec<{ version: number }>('SELECT version FROM inngest_apps_version WHERE id = 1').one().version
  }

  /** Every app and the version they stand at, read together. */
  snapshot(): SyncedAppsSnapshot {
    const apps = this.ctx.storage.sql.exec<{ record: string }>('SELECT record FROM inngest_apps ORDER BY id').toArray().map((row) => JSON.parse(row.record) as SyncedApp)
    return { version: this.version(), apps }
  }

  app(id: string): SyncedApp | null {
    const row = this.ctx.storage.sql.exec<{ record: string }>('SELECT record FROM inngest_apps WHERE id = ?', id).toArray()[0]
    return row ? (JSON.parse(row.record) as SyncedApp) : null
  }

  /**
   * Forgets an app: its functions get no new runs (runs in flight keep the config they started with).
   * @returns the app as it was synced last, or null if no app has that id
   */
  remove(id: string): SyncedApp | null {
    const sql = this.ctx.storage.sql
    return this.ctx.storage.transactionSync(() => {
      const removed = this.app(id)
      if (!removed) return null
      sql.exec('DELETE FROM inngest_apps WHERE id = ?', id)
      sql.exec('UPDATE inngest_apps_version SET version = version + 1 WHERE id = 1')
      return removed
    })
  }
}

/** What runs depend on: the URL and the functions (not the sync time). */
function definitionOf(app: SyncedApp) {
  return { url: app.url, functions: app.functions }
}
