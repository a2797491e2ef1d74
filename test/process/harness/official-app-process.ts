/**
 * Starts an app on the official SDK (official-app.ts on v4, official-v3-app.ts on v3, each
 * serving its functions with the SDK's node adapter) as a Node process in its own process
 * group, with only the environment a user would set to point it
 * at inngest.do; stopped by SIGKILL of its group, never by name.
 */
import { spawn } from 'node:child_process'
import { createWriteStream } from 'node:fs'
import { dirname, isAbsolute, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { killGroupAndWait } from './process-group.js'
import { freePort } from './wrangler-dev.js'
import { nodeBin, repoRoot } from './wrangler-cli.js'

const READY_TIMEOUT_MS = 30_000
const harnessDir = dirname(fileURLToPath(import.meta.url))

export interface OfficialApp {
  readonly pid: number
  /** Where the app serves its functions (`…/api/inngest`). */
  readonly url: string
  /** What the app counts at `GET /counts` (the protocol test's app: how often each step body ran, `<function>:<step>:<tag>` → count). */
  counts<T = Record<string, number>>(): Promise<T>
  /** The last of its output, for error messages. */
  logTail(): string
  kill(): Promise<void>
}

/**
 * Starts the app `scriptName` (a file of this folder, or an absolute path, that prints "official
 * app ready" once it listens on PORT) with `env` (e.g. `{ INNGEST_DEV: 'http://127.0.0.1:8787' }`); resolves once it listens.
 * On `port` if given (an app restarted where it was synced), else on a free one.
 */
export async function startOfficialApp(env: Readonly<Record<string, string>>, logFile: string, scriptName = 'official-app.ts', port?: number): Promise<OfficialApp> {
  const script = isAbsolute(scriptName) ? scriptName : join(harnessDir, scriptName)
  port ??= await freePort()
  const child = spawn(nodeBin, ['--experimental-strip-types', '--no-warnings', script], {
    cwd: repoRoot,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: String(port), ...env },
  })
  if (child.pid === undefined) throw new Error(`could not spawn ${nodeBin} ${script}`)
  const pid = child.pid
  const log = createWriteStream(logFile, { flags: 'a' })
  let output = ''
  const keep = (chunk: Buffer) => {
    log.write(chunk)
    output = (output + chunk.toString('utf8')).slice(-8_192)
  }
  child.stdout!.on('data', keep)
  child.stderr!.on('data', keep)
  const base = `http://127.0.0.1:${port}`
  const app: OfficialApp = {
    pid,
    url: `${base}/api/inngest`,
    counts: async <T>() => (await (await fetch(`${base}/counts`)).json()) as T,
    logTail: () => output.slice(-3_000),
    kill: async () => {
      await killGroupAndWait(pid)
      log.end()
    },
  }
  const deadline = Date.now() + READY_TIMEOUT_MS
  while (!output.includes('official app ready')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await app.kill()
      throw new Error(`the official SDK app did not start (exit ${child.exitCode}). Its output:\n${output}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return app
}
