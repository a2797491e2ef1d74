/**
 * http-memory: resident memory of a `wrangler dev`'s workerd processes before, at the peak of,
 * and a while after a burst of 1-step runs started over HTTP: ours as events to `POST /e/<key>`
 * (so many per request), the floor (bench/floor-actor.ts: one Durable Object per run, one row per
 * step) through the bench worker's `POST /bench/floor`, the same number per request.
 *
 * Each contender gets its own fresh wrangler dev, started alike: RSS seldom goes back to the OS
 * once V8 and the allocator have grown, and the first burst's objects (ours also leaves event
 * index and stream objects behind) would still be held or evicted during the second's, so in one
 * process the second would start from the first's high-water mark.
 */
import { writeFileSync } from 'node:fs'
import { program } from '../program.js'
import { fixed, textTable, times } from '../stats.js'
import { HTTP_PROGRAM_EVENT } from './http-program-event.js'
import type { HttpSettings } from './http-settings.js'
import { statusKiB, workerdPids, type WranglerDev } from './wrangler-dev.js'

export type MemoryContender = 'ours' | 'floor'

export interface HttpMemoryFigures {
  /** Summed over the group's workerd processes, KiB: before the burst, the highest sample, `afterMs` after every run finished. */
  readonly beforeKiB: number
  readonly peakKiB: number
  readonly afterKiB: number
  /** Summed VmHWM (each process's own peak since the reset before the burst, if it worked). */
  readonly hwmKiB: number
  readonly hwmReset: boolean
  readonly processes: number
  /** From the first request of the burst: all requests answered; every run's handler returned (NaN: not within FINISH_LIMIT_MS). */
  readonly acceptedMs: number
  readonly finishedMs: number
}

export interface HttpMemoryResult {
  readonly settings: HttpSettings['memory']
  readonly figures: Record<MemoryContender, HttpMemoryFigures>
}

const SAMPLE_EVERY_MS = 10
const REQUESTS_IN_FLIGHT = 4
const FINISHED_POLL_MS = 500
/** A burst whose runs have not all finished this long after it began is reported as such, and "after" is read `afterMs` later. */
const FINISH_LIMIT_MS = 15 * 60_000
/** After the warm-up request: quiet before "before" is read. */
const SETTLE_BEFORE_MS = 2_000

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function post(url: string, body: unknown): Promise<void> {
  const response = await fetch(url, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } })
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status} ${await response.text()}`)
  await response.arrayBuffer()
}

/** Starts the runs `labels` the contender's way, in one request. */
function startRuns(dev: WranglerDev, contender: MemoryContender, labels: readonly string[]): Promise<void> {
  if (contender === 'floor') return post(`${dev.url}/bench/floor`, { labels, steps: 1 })
  return post(`${dev.url}/e/bench`, labels.map((label) => ({ name: HTTP_PROGRAM_EVENT, data: program(label, 1) })))
}

/** Starts runs `${prefix}0 …` in requests of `perRequest`, a few requests in flight. */
async function burst(dev: WranglerDev, contender: MemoryContender, prefix: string, runs: number, perRequest: number): Promise<void> {
  let next = 0
  const worker = async () => {
    while (next < runs) {
      const from = next
      next = Math.min(runs, next + perRequest)
      await startRuns(dev, contender, Array.from({ length: next - from }, (_, i) => `${prefix}${from + i}`))
    }
  }
  await Promise.all(Array.from({ length: REQUESTS_IN_FLIGHT }, worker))
}

/** Runs of `prefix` whose handlers returned since the last call (the worker forgets them once counted). */
async function finishedSince(dev: WranglerDev, prefix: string, runs: number): Promise<number> {
  const response = await fetch(`${dev.url}/bench/finished?prefix=${prefix}&count=${runs}`)
  if (!response.ok) throw new Error(`GET /bench/finished: HTTP ${response.status} ${await response.text()}`)
  return ((await response.json()) as { finished: number }).finished
}

/** ms from `startedAt` until every run of `prefix` finished (its handler returned), or NaN past FINISH_LIMIT_MS. */
async function whenFinished(dev: WranglerDev, prefix: string, runs: number, startedAt: number): Promise<number> {
  let finished = 0
  while ((finished += await finishedSince(dev, prefix, runs)) < runs) {
    if (performance.now() - startedAt > FINISH_LIMIT_MS) return Number.NaN
    await sleep(FINISHED_POLL_MS)
  }
  return performance.now() - startedAt
}

function rssKiB(pids: readonly number[]): number {
  return pids.reduce((sum, pid) => sum + statusKiB(pid, 'VmRSS'), 0)
}

/** One contender's burst on its own wrangler dev. */
export async function measureBurst(dev: WranglerDev, contender: MemoryContender, settings: HttpSettings['memory']): Promise<HttpMemoryFigures> {
  // Warm-up: one request's worth of runs loads the code and the objects every run shares.
  const warm = `warm-${contender}-`
  await startRuns(dev, contender, Array.from({ length: settings.perRequest }, (_, i) => `${warm}${i}`))
  if (Number.isNaN(await whenFinished(dev, warm, settings.perRequest, performance.now()))) throw new Error(`the ${contender} warm-up runs never finished`)
  await sleep(SETTLE_BEFORE_MS)

  const pids = workerdPids(dev.pid)
  let hwmReset = true
  for (const pid of pids) {
    try {
      writeFileSync(`/proc/${pid}/clear_refs`, '5') // 5: reset the peak RSS (Linux ≥ 4.0)
    } catch {
      hwmReset = false
    }
  }
  const beforeKiB = rssKiB(pids)
  let peakKiB = beforeKiB
  const sampler = setInterval(() => (peakKiB = Math.max(peakKiB, rssKiB(pids))), SAMPLE_EVERY_MS)
  try {
    const prefix = `burst-${contender}-`
    const startedAt = performance.now()
    await burst(dev, contender, prefix, settings.runs, settings.perRequest)
    const acceptedMs = performance.now() - startedAt
    const finishedMs = await whenFinished(dev, prefix, settings.runs, startedAt)
    await sleep(settings.afterMs)
    const afterKiB = rssKiB(pids)
    peakKiB = Math.max(peakKiB, afterKiB)
    const hwmKiB = pids.reduce((sum, pid) => sum + statusKiB(pid, 'VmHWM'), 0)
    return { beforeKiB, peakKiB, afterKiB, hwmKiB, hwmReset, processes: pids.length, acceptedMs, finishedMs }
  } finally {
    clearInterval(sampler)
  }
}

const MiB = (kiB: number) => fixed(kiB / 1_024, 0)

export function httpMemoryTable(result: HttpMemoryResult): string {
  const { runs, perRequest, afterMs } = result.settings
  const { ours, floor } = result.figures
  const seconds = (ms: number) => (Number.isNaN(ms) ? `> ${FINISH_LIMIT_MS / 1_000} s` : `${fixed(ms / 1_000, 1)} s`)
  const row = (name: string, f: HttpMemoryFigures) => [name, MiB(f.beforeKiB), MiB(f.peakKiB), MiB(f.afterKiB), MiB(f.peakKiB - f.beforeKiB), MiB(f.afterKiB - f.beforeKiB), MiB(f.hwmKiB), seconds(f.acceptedMs), seconds(f.finishedMs)]
  const ratio = (pick: (f: HttpMemoryFigures) => number) => times(pick(ours) / pick(floor))
  return [
    `http-memory: ${runs.toLocaleString('en')} 1-step runs started over HTTP in requests of ${perRequest} (${REQUESTS_IN_FLIGHT} in flight); resident memory`,
    `of the wrangler dev's workerd processes (${ours.processes}: its proxy and the runtime), summed, sampled every ${SAMPLE_EVERY_MS} ms; each contender in a fresh wrangler dev; MiB`,
    textTable(
      ['contender', 'before', 'peak', `after ${afterMs / 1_000} s`, 'peak − before', 'after − before', 'VmHWM', 'burst accepted', 'all runs finished'],
      [
        row('ours: events to POST /e/<key>', ours),
        row('floor: POST /bench/floor', floor),
        ['ours/floor', ratio((f) => f.beforeKiB), ratio((f) => f.peakKiB), ratio((f) => f.afterKiB), ratio((f) => f.peakKiB - f.beforeKiB), ratio((f) => f.afterKiB - f.beforeKiB), '', '', ''],
      ],
    ),
    `  "after" is read ${afterMs / 1_000} s after the last run finished (its handler returned); times are from the burst's first request.`,
    `  VmHWM: the kernel's own peak per process, ${ours.hwmReset ? 'reset before the burst (clear_refs)' : 'since the process started (clear_refs refused)'}, summed.`,
  ].join('\n')
}
