/**
 * Resident memory of the workerd process that runs the benchmark, read from outside it: the
 * process is found among this Node process's descendants, and /proc/<pid>/status is sampled
 * every few milliseconds between `start()` and `stop()`. VmHWM (the kernel's own peak) is reset
 * at start through /proc/<pid>/clear_refs where permitted (Linux ≥ 4.0, same user).
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs'

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
export function findWorkerd(): number {
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

export class MemorySampler {
  private pid = 0
  private timer: NodeJS.Timeout | undefined
  private atStart = 0
  private peak = 0
  private samples = 0
  private hwmReset = false

  /** The workerd process sampled (found on first use). */
  workerdPid(): number {
    this.pid ||= findWorkerd()
    return this.pid
  }

  start(): void {
    this.workerdPid()
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
