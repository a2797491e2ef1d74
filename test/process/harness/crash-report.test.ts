/**
 * The crash test's verdicts on hand-made evidence: what counts as a lost event, a wrong run or a
 * re-executed step, so a failure of the real test can be trusted to name the right thing.
 */
import { describe, expect, it } from 'vitest'
import { crashProblems, STEPS, type CrashEvidence } from './crash-report.js'
import type { RunResource, SentEvent } from './event-client.js'
import type { StepExecution } from './step-counter.js'

const event = (n: number, life = 1, acknowledged = true): SentEvent => ({ tag: `crash-${n}`, n, life, id: acknowledged ? `E${n}` : null, failure: acknowledged ? null : 'fetch failed' })
const completed = (n: number, output: unknown = `crash-${n}:${n * 2 + 1}`): RunResource[] => [{ run_id: `R${n}`, status: 'Completed', output }]
const ranAll = (n: number, life = 1): StepExecution[] => STEPS.map((step, i) => ({ tag: `crash-${n}`, runId: `R${n}`, step, life, seq: n * 10 + i }))

function evidence(parts: Partial<CrashEvidence>): CrashEvidence {
  return { sent: [event(1)], runs: new Map([['E1', completed(1)]]), executions: ranAll(1), malformedReports: [], ...parts }
}

describe('crashProblems', () => {
  it('finds nothing when every acknowledged event completed once and each step ran once per lifetime', () => {
    expect(crashProblems(evidence({}))).toEqual([])
  })

  it('allows a step to run again in a later lifetime (a kill came after it started)', () => {
    const again: StepExecution = { tag: 'crash-1', runId: 'R1', step: 'add-one', life: 2, seq: 99 }
    expect(crashProblems(evidence({ executions: [...ranAll(1), again] }))).toEqual([])
  })

  it('reports a step that ran twice within one lifetime, naming the event, step and lifetime', () => {
    const again: StepExecution = { tag: 'crash-1', runId: 'R1', step: 'add-one', life: 1, seq: 99 }
    const problems = crashProblems(evidence({ executions: [...ranAll(1), again] }))
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatch(/^RE-EXECUTED STEPS.*\(1\):\n {4}crash-1 step add-one life 1 ran 2× \(run R1\)$/)
  })

  it('reports an acknowledged event with no run as lost, and ignores an unacknowledged one', () => {
    const problems = crashProblems(evidence({ sent: [event(1), event(2, 2), event(3, 1, false)], runs: new Map([['E1', completed(1)], ['E2', []]]) }))
    expect(problems).toEqual([expect.stringMatching(/^LOST.*\(1\):\n {4}crash-2 \(event E2, acknowledged in life 2\)$/)])
  })

  it('reports unfinished runs, wrong outputs, several runs and unreadable answers', () => {
    const sent = [1, 2, 3, 4].map((n) => event(n))
    const runs = new Map<string, readonly RunResource[] | string>([
      ['E1', [{ run_id: 'R1', status: 'Running', output: null }]],
      ['E2', completed(2, 'crash-2:4')],
      ['E3', [...completed(3), { run_id: 'R3b', status: 'Completed', output: 'crash-3:7' }]],
      ['E4', 'HTTP 500: boom'],
    ])
    const problems = crashProblems({ sent, runs, executions: [2, 3].flatMap((n) => ranAll(n)), malformedReports: [] })
    expect(problems.map((p) => p.split(' ')[0])).toEqual(['UNFINISHED:', 'WRONG', 'SEVERAL', 'UNREADABLE:'])
    expect(problems[1]).toContain('output "crash-2:4", expected "crash-2:5"')
  })

  it('reports one event whose steps ran under two run ids', () => {
    const problems = crashProblems(evidence({ executions: [...ranAll(1), { tag: 'crash-1', runId: 'R1-other', step: 'double', life: 2, seq: 99 }] }))
    expect(problems).toEqual([expect.stringMatching(/^DUPLICATE RUNS.*\n {4}crash-1: step bodies ran under runs R1, R1-other$/)])
  })

  it('reports a completed run whose steps the counter never saw: the harness is broken', () => {
    const problems = crashProblems(evidence({ executions: ranAll(1).slice(0, 1) }))
    expect(problems).toEqual([expect.stringMatching(/^HARNESS: the step counter missed.*\n {4}crash-1 run R1 completed, but the counter never saw add-one, label$/)])
  })
})
