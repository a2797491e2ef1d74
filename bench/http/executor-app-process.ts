/**
 * Starts the http-executor scenario's app (executor-app.ts) with the protocol test's harness
 * (test/process/harness/official-app-process.ts): a Node process in its own process group, with
 * only `INNGEST_DEV=<worker url>` and its port set, stopped by SIGKILL of its group.
 */
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startOfficialApp } from '../../test/process/harness/official-app-process.js'

const script = join(dirname(fileURLToPath(import.meta.url)), 'executor-app.ts')

/** What the app counted (executor-app.ts): the server's calls by function, the SDK's requests by kind. */
export interface AppCounts {
  readonly received: Readonly<Record<string, { readonly discovery: number; readonly planned: number; readonly handlerMs: number }>>
  readonly sent: Readonly<Record<string, number>>
  readonly sentStatus: Readonly<Record<string, number>>
  readonly sentMs: Readonly<Record<string, number>>
}

export interface ExecutorApp {
  /** Where it serves its functions (`…/api/inngest`): the URL to sync. */
  readonly url: string
  counts(): Promise<AppCounts>
  /** The last of its output, for error messages. */
  logTail(): string
  /** SIGKILLs its group and waits until no member lives; safe to call twice. */
  stop(): Promise<void>
}

/** Starts the app pointed at `serverUrl`; resolves once it listens. */
export async function startExecutorApp(serverUrl: string): Promise<ExecutorApp> {
  const app = await startOfficialApp({ INNGEST_DEV: serverUrl }, join(tmpdir(), `bench-executor-app-${process.pid}.log`), script)
  let stopped: Promise<void> | undefined
  return { url: app.url, counts: () => app.counts<AppCounts>(), logTail: () => app.logTail(), stop: () => (stopped ??= app.kill()) }
}
