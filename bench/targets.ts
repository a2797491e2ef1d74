/**
 * The targets, checked against the figures of one benchmark run. A missing scenario
 * (it failed, or the run was cut short) leaves its targets unchecked rather than met.
 */
import type { FanOutResult } from './scenarios/fan-out.js'
import { runsPerSecond } from './scenarios/fan-out.js'
import { resumeMs, type ResumeResult } from './scenarios/resume.js'
import { perStepMicros, type SequentialResult } from './scenarios/sequential.js'
import { rowsWrittenPerStep, type StorageResult } from './scenarios/storage.js'
import { fixed, quantile, textTable } from './stats.js'

/** Whatever scenarios of this run produced. */
export interface BenchResults {
  sequential?: SequentialResult
  fanOut?: FanOutResult
  resume?: ResumeResult
  storage?: StorageResult
}

interface Verdict {
  readonly target: string
  readonly figure: string
  readonly met: boolean | null
}

/** Ours' per-step time at the largest N of scenario 1, steps alone (µs): the "one step" of the resume target. */
export function oursStepMicros(results: BenchResults): number {
  const largest = results.sequential?.sizes.at(-1)
  return largest ? perStepMicros(largest, 'ours', 'handler') : Number.NaN
}

function verdicts(results: BenchResults): Verdict[] {
  const { sequential, fanOut, resume, storage } = results
  const largest = sequential?.sizes.at(-1)
  const unchecked = (target: string): Verdict => ({ target, figure: 'scenario did not run', met: null })
  const list: Verdict[] = []

  if (largest) {
    for (const [figure, how] of [['wall', 'a) status read included'], ['handler', 'b) steps alone']] as const) {
      const vsFloor = perStepMicros(largest, 'ours', figure) / perStepMicros(largest, 'floor', figure)
      const vsWorkflows = perStepMicros(largest, 'workflows', figure) / perStepMicros(largest, 'ours', figure)
      list.push({ target: `per-step time within 3× of the floor, ${how}`, figure: `ours/floor ${fixed(vsFloor, 2)}× at N=${largest.steps}`, met: vsFloor <= 3 })
      list.push({ target: `≥ 20× faster per step than Workflows, ${how}`, figure: `${fixed(vsWorkflows, 1)}× at N=${largest.steps}`, met: vsWorkflows >= 20 })
    }
  } else list.push(unchecked('per-step time vs floor and Workflows'))

  if (storage) {
    const rows = rowsWrittenPerStep(storage, 'ours')
    list.push({ target: '≤ 2 rows written per step', figure: `${fixed(rows, 2)} rows/step`, met: rows <= 2 })
    const at = storage.sizes.at(-1)!
    const smallest = storage.sizes[0]!
    const growth = at.padded.snapshotBytes - at.tiny.snapshotBytes
    list.push({
      target: "persisted snapshot does not grow with the steps' outputs",
      figure: `${at.tiny.snapshotBytes} B with tiny outputs, ${at.padded.snapshotBytes} B with ${storage.paddedBytes} B outputs at N=${at.steps} (${smallest.tiny.snapshotBytes} B at N=${smallest.steps})`,
      met: growth <= 0,
    })
  } else list.push(unchecked('rows per step, snapshot size'))

  if (fanOut) {
    const ratio = runsPerSecond(fanOut, 'ours') / runsPerSecond(fanOut, 'workflows')
    list.push({ target: "fan-out runs/s ≥ 5× Workflows'", figure: `${fixed(runsPerSecond(fanOut, 'ours'), 0)} vs ${fixed(runsPerSecond(fanOut, 'workflows'), 0)} runs/s: ${fixed(ratio, 1)}×`, met: ratio >= 5 })
  } else list.push(unchecked('fan-out runs/s'))

  if (resume && resume.sizes.length >= 3) {
    const [base, , last] = [resume.sizes[0]!, resume.sizes.at(-2)!, resume.sizes.at(-1)!]
    const middle = resume.sizes.at(-2)!
    const slope = (steps: number) => ((resumeMs(resume, steps) - resumeMs(resume, base.steps)) * 1_000) / (steps - base.steps)
    const execs = resume.sizes.map((size) => size.counts?.execs ?? Number.NaN)
    const constantReads = Math.max(...execs) === Math.min(...execs)
    // The clock resolves 1 ms: a slope at the middle K under 2 ms of total difference is noise.
    const linear = slope(last.steps) <= 2 * Math.max(slope(middle.steps), (2 * 1_000) / (middle.steps - base.steps)) && constantReads
    list.push({
      target: 'resume cost grows at most linearly with K (one bulk read)',
      figure: `${fixed(slope(middle.steps), 1)} µs/step to K=${middle.steps}, ${fixed(slope(last.steps), 1)} µs/step to K=${last.steps}; sql execs per resume ${execs.join(', ')}`,
      met: linear,
    })
    const stepMicros = oursStepMicros(results)
    const multiple = (resumeMs(resume, last.steps) * 1_000) / stepMicros
    list.push({
      target: 'resuming a 1,000-step run ≤ 20× one step',
      figure: `${fixed(quantile(last.nextStepMs, 0.5), 0)} ms = ${fixed(multiple, 1)}× one step (${fixed(stepMicros, 0)} µs) at K=${last.steps}`,
      met: last.steps >= 1_000 ? multiple <= 20 : null,
    })
  } else list.push(unchecked('resume cost'))
  return list
}

export function targetsTable(results: BenchResults): string {
  const rows = verdicts(results).map((v) => [v.target, v.figure, v.met === null ? 'not checked' : v.met ? 'met' : 'MISSED'])
  return ['Targets (ratios from this run)', textTable(['target', 'figure', 'verdict'], rows, 3)].join('\n')
}
