/**
 * A `wrangler dev` process for the HTTP benchmarks, started as a user's `npm start` would be
 * (state persisted on disk, in a fresh directory) but on free ports and as its own process
 * group: wrangler starts workerd (two processes: its proxy and the worker's runtime), and killing
 * the group is the one way to be sure none is left behind. `stop()` kills it; so does this Node
 * process exiting, on every path that lets it run a handler.
 *
 * The worker is bundled once (`wrangler deploy --dry-run`) and served with `--no-bundle`:
 * wrangler dev otherwise watches every source file and restarts the worker when one changes,
 * which in a tree being edited meant a restart mid-burst (POSTs answered 503, a new isolate).
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { createServer, type AddressInfo } from 'node:net'
import { dirname, join } from 'node:path'
import type { Readable } from 'node:stream'

export interface WranglerDevOptions {
  /** The wrangler.toml to serve. */
  readonly config: string
  /** Where the fresh `--persist-to` directory is made (a disk directory: on-disk state, as `npm start`). */
  readonly stateParent: string
  /** A GET route that answers 200 once the worker is up. */
  readonly readyPath: string
}

export interface WranglerDev {
  /** http://127.0.0.1:<port> */
  readonly url: string
  /** The process group (wrangler's own pid). */
  readonly pid: number
  /** The fresh directory holding the bundle and the `--persist-to` state. */
  readonly dir: string
  /** Kills the process group and removes the state directory; safe to call twice. */
  stop(): void
  /** The last lines wrangler wrote, for error messages. */
  logTail(): string
}

const READY_LIMIT_MS = 90_000
const LOG_KEEP_CHARS = 20_000
const running = new Set<WranglerDev>()

// Whatever ends this process (a failed test, vitest tearing the worker down, Ctrl-C) kills the
// groups it started: a detached group does not get the terminal's signals.
process.once('exit', () => running.forEach((dev) => dev.stop()))
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    running.forEach((dev) => dev.stop())
    process.kill(process.pid, signal)
  })
}

/** A port free at the time of asking (the OS picks it). */
async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

function wranglerBin(): string {
  return join(dirname(createRequire(import.meta.url).resolve('wrangler/package.json')), 'bin', 'wrangler.js')
}

/** Runs wrangler with `args` (Node 22: the `node` devDependency running vitest, not whatever is on the PATH). */
function wrangler(args: readonly string[], tmpDir: string, detached: boolean): ChildProcessByStdio<null, Readable, Readable> {
  // WRANGLER_CI_DISABLE_CONFIG_WATCHING: no restart if the wrangler.toml is edited meanwhile either.
  const env = { ...process.env, WRANGLER_SEND_METRICS: 'false', WRANGLER_CI_DISABLE_CONFIG_WATCHING: 'true', TMPDIR: tmpDir }
  return spawn(process.execPath, [wranglerBin(), ...args], { detached, stdio: ['ignore', 'pipe', 'pipe'], env })
}

/** Bundles the worker of `config` into `outDir`/worker.js, as `wrangler deploy` would upload it. */
async function bundle(config: string, outDir: string, tmpDir: string): Promise<string> {
  const child = wrangler(['deploy', '--dry-run', '--config', config, '--outdir', outDir], tmpDir, false)
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk))
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve))
  if (code !== 0) throw new Error(`wrangler deploy --dry-run failed (${code}):\n${output.slice(-3_000)}`)
  return join(outDir, 'worker.js')
}

/** Bundles the worker, starts wrangler dev and resolves once `readyPath` answers 200; throws with wrangler's output if it never does. */
export async function startWranglerDev(options: WranglerDevOptions): Promise<WranglerDev> {
  const [port, inspectorPort] = [await freePort(), await freePort()]
  const dir = mkdtempSync(join(options.stateParent, 'inngest-bench-http-'))
  const script = await bundle(options.config, join(dir, 'bundle'), options.stateParent).catch((error: unknown) => {
    rmSync(dir, { recursive: true, force: true })
    throw error
  })
  const args = ['dev', script, '--no-bundle', '--config', options.config, '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(inspectorPort)]
  // --log-level warn: wrangler would print a line per request, and the status reads are many.
  args.push('--persist-to', join(dir, 'state'), '--show-interactive-dev-session=false', '--log-level', 'warn')
  const child = wrangler(args, options.stateParent, true)
  let log = ''
  let exited: string | undefined
  const keep = (chunk: Buffer) => (log = (log + chunk.toString()).slice(-LOG_KEEP_CHARS))
  child.stdout.on('data', keep) // read, or wrangler blocks on a full pipe
  child.stderr.on('data', keep)
  child.once('exit', (code, signal) => (exited = `wrangler dev exited (${signal ?? code})`))

  const dev: WranglerDev = {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    dir,
    stop() {
      if (!running.delete(dev)) return
      try {
        process.kill(-dev.pid, 'SIGKILL')
      } catch {
        // the group is already gone
      }
      rmSync(dir, { recursive: true, force: true })
    },
    logTail: () => log.slice(-3_000),
  }
  running.add(dev)

  const deadline = Date.now() + READY_LIMIT_MS
  for (;;) {
    if (exited) break
    try {
      const answer = await fetch(dev.url + options.readyPath, { signal: AbortSignal.timeout(5_000) })
      await answer.arrayBuffer()
      if (answer.ok) return dev
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) break
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  dev.stop()
  throw new Error(`${exited ?? `wrangler dev not ready after ${READY_LIMIT_MS / 1000} s`}. Its output:\n${dev.logTail()}`)
}

/** The workerd processes of a wrangler dev: those in its process group. */
export function workerdPids(group: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => {
      try {
        // /proc/<pid>/stat: "pid (comm) state ppid pgrp …"; comm may hold spaces, so split after ')'.
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
        const pgrp = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2])
        return pgrp === group && readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'workerd'
      } catch {
        return false // the process ended while we looked
      }
    })
}

/** A field of /proc/<pid>/status in KiB (0 once the process is gone). */
export function statusKiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return match ? Number(match[1]) : 0
  } catch {
    return 0
  }
}
