/**
 * The synced-app crash test's verdicts on hand-made evidence: which repeats a kill explains, and
 * what counts as a lost, unfinished or wrong run, so a failure of the real test names the right thing.
 */
import { describe, expect, it } from 'vitest'
import type { RunResource, SentEvent } from './event-client.js'
import { executingAt, reExecutionsOf, SLOW_STEPS, slowStepsOutput, syncedCrashProblems, type CheckpointPost, type Execution, type Kill, type SyncedCrashEvidence } from './synced-crash-report.js'

const event = (n: number): SentEvent => ({ tag: `slow-${n}`, n, life: 1, id: `E${n}`, failure: null })
const completed = (n: number, output: unknown = slowStepsOutput({ tag: `slow-${n}`, n })): RunResource[] => [{ run_id: `R${n}`, status: 'Completed', output }]
/** Run n's steps, one every 100 ms from `from`, each taking 80 ms. */
const ranAll = (n: number, from = 0): Execution[] => SLOW_STEPS.map((step, i) => ({ tag: `slow-${n}`, runId: `R${n}`, step, at: from + i * 100, endedAt: from + i * 100 + 80 }))
const kill: Kill = { at: 1_000, goneAt: 1_050 }

function evidence(parts: Partial<SyncedCrashEvidence>): SyncedCrashEvidence {
  return { sent: [event(1)], runs: new Map([['E1', completed(1)]]), executions: ranAll(1), kills: [], posts: [], ...parts }
}

describe('syncedCrashProblems', () => {
  it('finds nothing when every acknowledged event completed once and each step ran once', () => {
    expect(syncedCrashProblems(evidence({}))).toEqual([])
  })

  it('allows the step executing at a kill to run again after it', () => {
    const again: Execution = { tag: 'slow-1', runId: 'R1', step: 'step-3', at: 3_000, endedAt: 3_080 }
    const executions = [...ranAll(1).slice(0, 3).map((e) => (e.step === 'step-3' ? { ...e, at: 990, endedAt: 1_070 } : e)), again, ...ranAll(1, 2_800).slice(3)]
    expect(syncedCrashProblems(evidence({ executions, kills: [kill] }))).toEqual([])
    expect(reExecutionsOf(executions, [kill]).executingAtKill).toEqual([1])
  })

  it('reports a step that ran again with no kill between, naming the run and step', () => {
    const again: Execution = { tag: 'slow-1', runId: 'R1', step: 'step-2', at: 950, endedAt: 990 }
    expect(syncedCrashProblems(evidence({ executions: [...ranAll(1), again], kills: [kill] }))).toEqual([expect.stringMatching(/^RE-EXECUTED without a kill: slow-1 step-2/)])
  })

  it('reports two steps of one run that ran again after the same kill', () => {
    const executions = [...ranAll(1), ...['step-1', 'step-2'].map((step, i) => ({ tag: 'slow-1', runId: 'R1', step, at: 3_000 + i * 100 }))]
    expect(syncedCrashProblems(evidence({ executions, kills: [kill] }))).toEqual([expect.stringMatching(/^RE-EXECUTED 2 step bodies of slow-1 after kill 1/)])
  })

  it('reports a step that ran again after a checkpoint carrying it was answered 200, kill or not', () => {
    const executions = [...ranAll(1).slice(0, 3).map((e) => (e.step === 'step-3' ? { ...e, at: 900, endedAt: 980 } : e)), ...ranAll(1, 2_700).slice(2)]
    const answered = (outcome: string): CheckpointPost => ({ runId: 'R1', at: 985, endedAt: 995, outcome })
    expect(syncedCrashProblems(evidence({ executions, kills: [kill], posts: [answered('ECONNREFUSED')] }))).toEqual([])
    expect(syncedCrashProblems(evidence({ executions, kills: [kill], posts: [answered('200')] }))).toEqual([expect.stringMatching(/^RE-EXECUTED a recorded step: slow-1 step-3/)])
  })

  it('reports lost, unfinished, wrong and duplicated runs', () => {
    const sent = [1, 2, 3, 4].map(event)
    const runs = new Map<string, RunResource[]>([
      ['E1', []],
      ['E2', [{ run_id: 'R2', status: 'Running', output: null }]],
      ['E3', completed(3, { tag: 'slow-3', total: 0 })],
      ['E4', [...completed(4), ...completed(4)]],
    ])
    const problems = syncedCrashProblems({ sent, runs, executions: [1, 2, 3, 4].flatMap((n) => ranAll(n)), kills: [], posts: [] })
    expect(problems.map((p) => p.split(' ')[0])).toEqual(['LOST', 'UNFINISHED', 'WRONG', 'SEVERAL'])
  })

  it('counts as executing at a kill a step begun before all was gone and not ended when it was asked for', () => {
    const executions: Execution[] = [
      { tag: 'ended-before', runId: 'A', step: 'step-1', at: 900, endedAt: 990 },
      { tag: 'across', runId: 'B', step: 'step-1', at: 950, endedAt: 1_100 },
      { tag: 'in-window', runId: 'C', step: 'step-1', at: 1_020, endedAt: 1_100 },
      { tag: 'after', runId: 'D', step: 'step-1', at: 2_000, endedAt: 2_100 },
    ]
    expect(executingAt(executions, kill)).toEqual(['across', 'in-window'])
  })
})
