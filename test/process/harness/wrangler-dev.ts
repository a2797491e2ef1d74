/**
 * `wrangler dev` as one process group the test can SIGKILL whole: wrangler's node, its second
 * node, esbuild and every workerd. Started with `detached: true` (setsid), so the group id is the
 * child's pid and `process.kill(-pid, 'SIGKILL')` reaches all of it at once, as a machine losing
 * power would; never killed by name, which could hit another session's wrangler.
 */
import { spawn } from 'node:child_process'
import { createWriteStream } from 'node:fs'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { isAlive, liveDescendants, liveGroupMembers } from './process-group.js'
import { nodeBin, repoRoot, wranglerBin, wranglerEnv } from './wrangler-cli.js'

const READY_TIMEOUT_MS = 90_000
const GONE_TIMEOUT_MS = 10_000
const START_ATTEMPTS = 3

export interface WranglerDevOptions {
  /** wrangler.toml of the worker, its `main` already bundled (wrangler-cli.ts freezeWorker): served with --no-bundle. */
  readonly config: string
  /** The --persist-to directory: Durable Object SQLite, queues, alarms. Same across restarts. */
  readonly persistTo: string
  /** --var NAME:value pairs. With `INNGEST_SIGNING_KEY` among them, the readiness probe sends it as a Bearer token (signed mode). */
  readonly vars: Readonly<Record<string, string>>
  /** Where wrangler's output goes (appended), for reading after a failure. */
  readonly logFile: string
  /** Wrangler's own logs and dev registry go here (wrangler-cli.ts wranglerEnv). */
  readonly workDir: string
  /** Serve on this port (a restart where an app's INNGEST_DEV points); a free one by default. */
  readonly port?: number
}

export interface WranglerDev {
  /** The child's pid, which is also its process group id. */
  readonly pid: number
  readonly url: string
  /** The last lines wrangler printed, leaving out those matching `skip`. */
  logTail(lines?: number, skip?: RegExp): string
  /** SIGKILLs the whole group and resolves once no process of it (or descended from it) lives. */
  kill(): Promise<void>
}

/** A port nothing listens on now (listen on 0, then close). Another process may still take it. */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

// Groups started and not yet killed. Should the test runner exit without running afterAll
// (interrupted, timed out), they are killed on the way out rather than left serving.
const liveGroups = new Set<number>()
process.once('exit', () => {
  for (const pid of liveGroups) {
    try {
      process.kill(-pid, 'SIGKILL')
    } catch {
      // Already gone.
    }
  }
})

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function killGroup(pid: number): Promise<void> {
  // Listed before the kill: a descendant that left the group (setsid) would escape it, and
  // once its parent dies it can no longer be found through parent links.
  const descendants = liveDescendants(pid)
  const sigkill = (target: number) => {
    try {
      process.kill(target, 'SIGKILL')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error
    }
  }
  sigkill(-pid)
  for (const other of descendants) if (isAlive(other)) sigkill(other)
  const deadline = Date.now() + GONE_TIMEOUT_MS
  for (;;) {
    const members = liveGroupMembers(pid)
    const escaped = descendants.filter((other) => isAlive(other) && !members.some((member) => member.startsWith(`${other} `)))
    const survivors = [...members, ...escaped.map((other) => `${other} (left the group)`)]
    if (survivors.length === 0) return void liveGroups.delete(pid)
    if (Date.now() > deadline) throw new Error(`wrangler dev (group ${pid}) still has live processes ${GONE_TIMEOUT_MS} ms after SIGKILL: ${survivors.join(', ')}`)
    await sleep(50)
  }
}

async function startOnce(options: WranglerDevOptions): Promise<WranglerDev | 'port-taken'> {
  const [port, inspectorPort] = [options.port ?? (await freePort()), await freePort()]
  const vars = Object.entries(options.vars).flatMap(([name, value]) => ['--var', `${name}:${value}`])
  const args = [wranglerBin, 'dev', '--no-bundle', '--config', options.config, '--persist-to', options.persistTo, '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(inspectorPort), '--show-interactive-dev-session', 'false', ...vars]
  const child = spawn(nodeBin, args, { cwd: repoRoot, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: wranglerEnv(options.workDir) })
  if (child.pid === undefined) throw new Error(`could not spawn ${nodeBin} ${wranglerBin}`)
  const pid = child.pid
  liveGroups.add(pid)
  const log = createWriteStream(options.logFile, { flags: 'a' })
  log.write(`\n===== ${new Date().toISOString()} pid ${pid} port ${port}: ${args.slice(1).join(' ')}\n`)
  const tail: string[] = []
  const url = `http://127.0.0.1:${port}`
  // Our wrangler's own word that it bound the port: an HTTP answer alone could come from another
  // server that took the port first (this machine may run other wrangler sessions).
  let announced = false
  let recent = ''
  const keep = (chunk: Buffer) => {
    log.write(chunk)
    recent = (recent + chunk.toString('utf8')).slice(-4_096)
    announced ||= recent.includes(`Ready on ${url}`)
    tail.push(...chunk.toString('utf8').split('\n').filter((line) => line.trim() !== ''))
    tail.splice(0, Math.max(0, tail.length - 2_000))
  }
  child.stdout!.on('data', keep)
  child.stderr!.on('data', keep)
  let spawnError: Error | undefined
  child.once('error', (error) => (spawnError = error))
  child.once('exit', () => log.end())

  const dev: WranglerDev = { pid, url, logTail: (lines = 30, skip) => tail.filter((line) => !skip?.test(line)).slice(-lines).join('\n'), kill: () => killGroup(pid) }
  const deadline = Date.now() + READY_TIMEOUT_MS
  // Outside dev mode the REST API wants the signing key; the probe must reach the Durable Objects, not a 401.
  const signingKey = options.vars.INNGEST_SIGNING_KEY
  const probeHeaders: Record<string, string> = signingKey ? { authorization: `Bearer ${signingKey}` } : {}
  // Ready: wrangler announced the port, and the worker answers through its Durable Objects.
  while (Date.now() < deadline) {
    if (spawnError || child.exitCode !== null || child.signalCode !== null) {
      await dev.kill()
      if (/address already in use/i.test(tail.join('\n'))) return 'port-taken'
      throw new Error(`wrangler dev exited before it was ready (exit ${child.exitCode ?? child.signalCode}${spawnError ? `, ${spawnError.message}` : ''}). Its output:\n${dev.logTail()}`)
    }
    try {
      const response = announced ? await fetch(`${url}/v1/events?limit=1`, { headers: probeHeaders, signal: AbortSignal.timeout(5_000) }) : undefined
      if (response?.ok) return dev
    } catch {
      // Not listening yet.
    }
    await sleep(200)
  }
  await dev.kill()
  throw new Error(`wrangler dev was not ready within ${READY_TIMEOUT_MS} ms. Its output:\n${dev.logTail()}`)
}

/**
 * Starts `wrangler dev` in its own process group on free ports (or on `options.port`) and waits
 * until it serves. A port another process took between choosing and binding is retried on new
 * ports; a fixed port is retried as it is, a moment later.
 */
export async function startWranglerDev(options: WranglerDevOptions): Promise<WranglerDev> {
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
    const started = await startOnce(options)
    if (started !== 'port-taken') return started
    if (options.port !== undefined) await sleep(1_000)
  }
  throw new Error(`wrangler dev found its port${options.port === undefined ? '' : ` ${options.port}`} taken ${START_ATTEMPTS} times in a row`)
}
