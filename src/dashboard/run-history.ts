/**
 * A run's transition history, derived: the persisted snapshot keeps only the current state, so
 * the history is rebuilt from the context's times (queued, started, ended) and the step
 * timeline (a sleep or wait step is a stay in `sleeping` or `waiting`, a step with failed
 * attempts a stay in `retrying`). Times of individual retry attempts are not stored, so a retry
 * is placed at its step's start. When the host keeps a transition log, read it here instead.
 */
import type { RunInspection, StepTimelineEntry } from '../../actors/internal.js'

export type RunState = 'queued' | 'running' | 'sleeping' | 'waiting' | 'retrying' | 'done'

/** One transition: into `to` at `at` (epoch ms; null when unknown), with why. */
export interface Transition {
  readonly at: number | null
  readonly from: RunState | null
  readonly to: RunState
  readonly reason: string
}

const stepStay = (step: StepTimelineEntry): { state: RunState; reason: string } | null => {
  if (step.kind === 'sleep') return { state: 'sleeping', reason: `step.sleep "${step.id}"${step.wakeAt ? ` until ${new Date(step.wakeAt).toISOString()}` : ''}` }
  if (step.kind === 'wait') return { state: 'waiting', reason: `step.waitForEvent "${step.id}"${step.wakeAt ? `, times out ${new Date(step.wakeAt).toISOString()}` : ''}` }
  if (step.kind === 'invoke') return { state: 'waiting', reason: `step.invoke "${step.id}"` }
  if (step.attempts > 0) return { state: 'retrying', reason: `step "${step.id}" failed ${step.attempts} time${step.attempts === 1 ? '' : 's'}${step.error ? `: ${step.error.message}` : ''}` }
  return null
}

/** The transitions `run` went through, oldest first. */
export function deriveHistory(run: RunInspection): Transition[] {
  const context = run.snapshot?.context
  if (!context) return []
  const moves: Array<{ at: number | null; to: RunState; reason: string }> = [{ at: context.queuedAt, to: 'queued', reason: 'accepted and persisted' }]
  if (context.startedAt !== null) moves.push({ at: context.startedAt, to: 'running', reason: 'flow control let the handler start' })
  const steps = [...run.steps].sort((a, b) => (a.startedAt ?? Infinity) - (b.startedAt ?? Infinity))
  for (const step of steps) {
    const stay = stepStay(step)
    if (!stay || step.startedAt === null) continue
    moves.push({ at: step.startedAt, to: stay.state, reason: stay.reason })
    if (step.endedAt !== null) moves.push({ at: step.endedAt, to: 'running', reason: `"${step.id}" ${step.status === 'failed' ? 'failed' : 'resolved'}` })
  }
  if (context.endedAt !== null || run.snapshot?.value === 'done') {
    const why = context.outcome ?? 'finished'
    moves.push({ at: context.endedAt, to: 'done', reason: context.error ? `${why}: ${context.error.name}: ${context.error.message}` : why })
  }
  const ordered = moves.sort((a, b) => (a.at ?? Infinity) - (b.at ?? Infinity))
  return ordered.map((move, i) => ({ ...move, from: i === 0 ? null : ordered[i - 1]!.to }))
}
