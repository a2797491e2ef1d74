/**
 * The benchmark's Node side (a vitest globalSetup). It first checks that bench/wrangler.toml binds
 * what test/wrangler.toml binds (bench/config-check.ts). The benchmark itself runs inside workerd, so
 * whatever must be seen from outside lives here, behind a small HTTP server on 127.0.0.1 whose
 * address the tests get with `inject('benchProbeUrl')`:
 *
 * - `POST /memory/start`, `POST /memory/stop`: resident memory of the workerd process running
 *   the tests, sampled from /proc/<pid>/status every few ms between the two calls, plus VmHWM
 *   (the kernel's own peak, reset at start through /proc/<pid>/clear_refs where permitted).
 * - `POST /gate/:label`, `GET /gate/:label`: records that a request arrived, and says whether
 *   one did. A Durable Object's subrequest lands here in the output-gate probe.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { TestProject } from 'vitest/node'
import { checkBenchConfig } from './config-check.js'

declare module 'vitest' {
  interface ProvidedContext {
    benchProbeUrl: string
  }
}

/** What `POST /memory/stop` answers, in KiB. */
export interface MemoryReport {
  readonly pid: number
  readonly rssAtStartKiB: number
  readonly peakSampledKiB: number
  readonly rssAtStopKiB: number
  /** The kernel's high-water mark: since start if the reset worked, else since workerd began. */
  readonly vmHwmKiB: number
  readonly hwmReset: boolean
  readonly samples: number
}

const SAMPLE_EVERY_MS = 5

function statusField(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return match ? Number(match[1]) : Number.NaN
}

function parentOf(pid: number): number {
  // /proc/<pid>/stat: "pid (comm) state ppid …"; comm may hold spaces, so split after ')'.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
}

function descendsFrom(pid: number, ancestor: number): boolean {
  for (let at = pid; at > 1; at = parentOf(at)) if (at === ancestor) return true
  return false
}

/** The workerd process vitest started (a descendant of this process). */
function findWorkerd(): number {
  const candidates = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'workerd' && descendsFrom(pid, process.pid)
      } catch {
        return false // the process ended while we looked
      }
    })
  if (candidates.length !== 1) throw new Error(`expected one workerd under pid ${process.pid}, found ${candidates.length}`)
  return candidates[0]!
}

class MemorySampler {
  private pid = 0
  private timer: NodeJS.Timeout | undefined
  private atStart = 0
  private peak = 0
  private samples = 0
  private hwmReset = false

  start(): void {
    this.pid ||= findWorkerd()
    try {
      writeFileSync(`/proc/${this.pid}/clear_refs`, '5') // 5: reset the peak RSS (Linux ≥ 4.0)
      this.hwmReset = true
    } catch {
      this.hwmReset = false
    }
    this.atStart = statusField(this.pid, 'VmRSS')
    this.peak = this.atStart
    this.samples = 1
    clearInterval(this.timer)
    this.timer = setInterval(() => this.sample(), SAMPLE_EVERY_MS)
  }

  stop(): MemoryReport {
    clearInterval(this.timer)
    this.sample()
    const { pid, atStart, peak, samples, hwmReset } = this
    return { pid, rssAtStartKiB: atStart, peakSampledKiB: peak, rssAtStopKiB: statusField(pid, 'VmRSS'), vmHwmKiB: statusField(pid, 'VmHWM'), hwmReset, samples }
  }

  private sample(): void {
    this.peak = Math.max(this.peak, statusField(this.pid, 'VmRSS'))
    this.samples++
  }
}

function answer(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  checkBenchConfig()
  const memory = new MemorySampler()
  const gateHits = new Set<string>()
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    request.resume() // bodies are ignored
    try {
      const [, area, name] = (request.url ?? '').split('/')
      if (area === 'memory' && name === 'start') return (memory.start(), answer(response, 200, {}))
      if (area === 'memory' && name === 'stop') return answer(response, 200, memory.stop())
      if (area === 'gate' && name && request.method === 'POST') return (gateHits.add(name), answer(response, 200, {}))
      if (area === 'gate' && name) return answer(response, 200, { seen: gateHits.has(name) })
      answer(response, 404, { error: `no route ${request.method} ${request.url}` })
    } catch (error) {
      answer(response, 500, { error: String(error) })
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  project.provide('benchProbeUrl', `http://127.0.0.1:${(server.address() as AddressInfo).port}`)
  return () => new Promise<void>((resolve) => server.close(() => resolve()))
}
