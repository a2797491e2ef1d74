/**
 * Data stored by earlier versions still reads (compatibility.ts lists every branch that makes it
 * so), and the inert actor scope run-snapshot.ts reuses can only ever drop nothing: the run
 * machine has `assign` actions alone, which a transition applies itself.
 */
import { describe, expect, it } from 'vitest'
import { toStepRow } from '../../actors/storage/step-row.js'
import {
  advanceRun,
  COMPATIBILITY,
  initialRunSnapshot,
  needsBranch,
  persistRunSnapshot,
  restoreRunSnapshot,
  RUN_SNAPSHOT_VERSION,
  runMachine,
  storedVersion,
} from '../../machines/index.js'
import { v1Snapshots } from './fixtures/v1-snapshots.js'
import { v1StepRows } from './fixtures/v1-step-rows.js'

const input = { runId: 'run-compat', functionId: 'app-fn', retry: { attempts: 1, backoff: 'fixed', initialDelayMs: 0, maxDelayMs: 0 }, maxSteps: 10, at: 1 } as const

describe('stored data versions', () => {
  it('writes snapshots at the current version and reads unversioned ones as version 1', () => {
    expect(persistRunSnapshot(initialRunSnapshot(input)).version).toBe(RUN_SNAPSHOT_VERSION)
    expect(storedVersion(v1Snapshots.sleeping!)).toBe(1)
    expect(needsBranch(COMPATIBILITY.stepsRecorded, 1)).toBe(true)
    expect(needsBranch(COMPATIBILITY.stepsRecorded, RUN_SNAPSHOT_VERSION)).toBe(false)
  })

  it('lists every branch with a version no later than the current one, and where it lives', () => {
    for (const [name, branch] of Object.entries(COMPATIBILITY)) {
      expect(branch.before, name).toBeLessThanOrEqual(RUN_SNAPSHOT_VERSION)
      expect(branch.where, name).toMatch(/^(machines|actors)\//)
    }
  })

  it('keeps a current snapshot exactly as it was through persist and restore', () => {
    const started = advanceRun(initialRunSnapshot(input), { type: 'RUN.START', at: 2 })
    const persisted = JSON.parse(JSON.stringify(persistRunSnapshot(started)))
    expect(persistRunSnapshot(restoreRunSnapshot(persisted))).toStrictEqual(persisted)
  })

  it('reads every v1 step row as the step it was', () => {
    const rows = Object.fromEntries(Object.entries(v1StepRows).map(([name, values]) => [name, toStepRow(values)]))
    expect(rows.completed).toEqual({ key: 'validate', id: 'validate', kind: 'run', position: 0, concurrent: false, status: 'completed', attempts: 0, output: '{"ok":true}', error: null, startedAt: 1795562417771, endedAt: 1795562417780, wakeAt: null })
    expect(rows.failedForGood).toMatchObject({ status: 'failed', attempts: 3, error: { name: 'Error', message: 'card declined' } })
    expect(rows.retrying).toMatchObject({ status: 'retrying', attempts: 1, endedAt: null })
    expect(rows.sleeping).toMatchObject({ kind: 'sleep', status: 'sleeping', wakeAt: 1795566017790 })
    expect(rows.waiting).toMatchObject({ kind: 'wait', status: 'waiting', wakeAt: 1795648817790 })
    expect(rows.invoking).toMatchObject({ kind: 'invoke', concurrent: true })
    expect(rows.sentEvents).toMatchObject({ kind: 'sendEvent', output: '{"ids":["01M87XRAK5FNP4Y1AJ6W40T5NB"]}' })
  })
})

describe('the inert actor scope (run-snapshot.ts)', () => {
  it('serves a machine whose every action is an assign, applied by the transition itself', () => {
    const actions = Object.entries(runMachine.implementations.actions)
    expect(actions.length).toBeGreaterThan(5)
    for (const [name, action] of actions) expect((action as { type?: string }).type, `action ${name}`).toBe('xstate.assign')
  })

  it('finds no action in the machine config that is not a named implementation', () => {
    const named = new Set(Object.keys(runMachine.implementations.actions))
    let checked = 0
    const walk = (node: { transitions: Map<string, { actions: unknown[] }[]>; entry: unknown[]; exit: unknown[]; states: Record<string, unknown> }): void => {
      const used = [...node.entry, ...node.exit, ...[...node.transitions.values()].flat().flatMap((t) => t.actions)]
      checked += used.length
      for (const action of used) expect(typeof action === 'string' && named.has(action), `action ${String(action)}`).toBe(true)
      for (const child of Object.values(node.states)) walk(child as typeof node)
    }
    walk(runMachine.root as never)
    expect(checked).toBeGreaterThan(10)
  })
})
