/**
 * The example worker (src/example/worker.ts, /wrangler.toml) under `wrangler dev` for the
 * dashboard's browser test, on a port the test names (8810–8819 by default, DASHBOARD_PORT
 * moves the range), bundled once (wrangler-cli.ts `freezeWorker`) and run as a process group
 * that is SIGKILLed whole when the test ends, never by name.
 */
import { spawn } from 'node:child_process'
import { createWriteStream } from 'node:fs'
import { join } from 'node:path'
import { killGroupAndWait } from './process-group.js'
import { nodeBin, wranglerBin, wranglerEnv, repoRoot } from './wrangler-cli.js'

const READY_TIMEOUT_MS = 90_000
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** The first port of the range the test uses: the worker at +2n, its inspector at +2n+1. */
export const FIRST_PORT = Number(process.env.DASHBOARD_PORT ?? 8810)

export interface ExampleWorker {
  readonly url: string
  readonly pid: number
  /** What wrangler printed so far. */
  output(): string
  stop(): Promise<void>
}

/** Serves the frozen `config` on `FIRST_PORT + 2 × slot` with `--var` pairs; resolves once it answers. */
export async function startExampleWorker(config: string, workDir: string, slot: number, vars: Readonly<Record<string, string>> = {}): Promise<ExampleWorker> {
  const port = FIRST_PORT + 2 * slot
  const args = [wranglerBin, 'dev', '--no-bundle', '--config', config, '--persist-to', join(workDir, `state-${slot}`), '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(port + 1), '--show-interactive-dev-session', 'false']
  for (const [name, value] of Object.entries(vars)) args.push('--var', `${name}:${value}`)
  const child = spawn(nodeBin, args, { cwd: repoRoot, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: wranglerEnv(workDir) })
  const pid = child.pid
  if (pid === undefined) throw new Error(`could not spawn wrangler dev for slot ${slot}`)
  let output = ''
  const log = createWriteStream(join(workDir, `wrangler-${slot}.log`), { flags: 'a' })
  const keep = (chunk: Buffer) => {
    log.write(chunk)
    output = (output + chunk.toString('utf8')).slice(-64_000)
  }
  child.stdout!.on('data', keep)
  child.stderr!.on('data', keep)
  const url = `http://127.0.0.1:${port}`
  const stop = async () => {
    await killGroupAndWait(pid)
    log.end()
  }
  process.once('exit', () => void stop())
  const deadline = Date.now() + READY_TIMEOUT_MS
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) break
    try {
      if (output.includes(`Ready on ${url}`) && (await fetch(`${url}/v1/events?limit=1`, { signal: AbortSignal.timeout(5_000) })).status < 500) {
        return { url, pid, output: () => output, stop }
      }
    } catch {
      // Not listening yet.
    }
    await sleep(200)
  }
  await stop()
  throw new Error(`wrangler dev (slot ${slot}, port ${port}) did not get ready. Its output:\n${output.slice(-4_000)}`)
}
