/**
 * What the synced-app crash test asserts (server-protocol-crash.test.ts), as problems and
 * figures. The app (official-app.ts, slow-steps) keeps running through every kill of wrangler
 * dev, so its own record of when each step body began is the evidence: a body may begin again
 * only after a kill that came after its previous beginning (the step was executing, or its
 * checkpoint unanswered, when wrangler died), and at most once per run per kill, since the SDK
 * runs a run's next step only once the previous one is checkpointed; never after a checkpoint
 * that carried it was answered 200 (the run's object records the steps before it answers).
 */
import { isDeepStrictEqual } from 'node:util'
import type { RunResource, SentEvent } from './event-client.js'

/** slow-steps's step ids, in order. */
export const SLOW_STEPS = Array.from({ length: 10 }, (_, i) => `step-${i + 1}`)

/** slow-steps's output for an event: the step ids' numbers added to `n`. */
export const slowStepsOutput = ({ tag, n }: { tag: string; n: number }) => ({ tag, total: n + 55 })

/** A step body's execution in the app (`GET /executions`): when it began, and ended if it did. */
export interface Execution {
  readonly tag: string
  readonly runId: string
  readonly step: string
  readonly at: number
  readonly endedAt?: number
}

/**
 * A SIGKILL of wrangler dev's process group: asked for `at`, every process gone at `goneAt`.
 * In between, the signal lands at a moment the test does not see: an answer wrangler wrote
 * just after `at` still arrives, and the step after it may begin.
 */
export interface Kill {
  readonly at: number
  readonly goneAt: number
}

/** A checkpoint post of the SDK (`GET /checkpoints`): its status, or the error that ended it. */
export interface CheckpointPost {
  readonly runId: string
  readonly at: number
  readonly endedAt: number
  readonly outcome: string
}

/** Step bodies that began again, per kill they are owed to, and those owed to none. */
export interface ReExecutions {
  /** Per kill: run tag → how many of its step bodies began again after it. */
  readonly perKill: ReadonlyArray<ReadonlyMap<string, number>>
  /** Per kill: how many of those repeats followed an execution still running at the kill (the rest had ended, their checkpoint unanswered). */
  readonly executingAtKill: readonly number[]
  /** `tag step`: began again with no kill since its previous beginning. */
  readonly unexplained: readonly string[]
  /** Each repeat: the execution before it, and the one that began again. */
  readonly repeats: ReadonlyArray<readonly [previous: Execution, again: Execution]>
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>()
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item])
  return groups
}

/** Each repeat of a (run, step) body, owed to the first kill that ended after the previous beginning and before the repeat. */
export function reExecutionsOf(executions: readonly Execution[], kills: readonly Kill[]): ReExecutions {
  const perKill = kills.map(() => new Map<string, number>())
  const executingAtKill = kills.map(() => 0)
  const unexplained: string[] = []
  const repeats: Array<[Execution, Execution]> = []
  for (const [key, group] of groupBy(executions, (e) => `${e.tag} ${e.step}`)) {
    const sorted = [...group].sort((a, b) => a.at - b.at)
    for (let i = 1; i < sorted.length; i++) {
      const [previous, again] = [sorted[i - 1]!, sorted[i]!]
      repeats.push([previous, again])
      const kill = kills.findIndex((k) => k.goneAt > previous.at && k.goneAt < again.at)
      if (kill < 0) {
        unexplained.push(`${key} began ${sorted.length}× with no kill between beginnings ${i} and ${i + 1}`)
        continue
      }
      perKill[kill]!.set(again.tag, (perKill[kill]!.get(again.tag) ?? 0) + 1)
      if (previous.endedAt === undefined || previous.endedAt > kills[kill]!.at) executingAtKill[kill]!++
    }
  }
  return { perKill, executingAtKill, unexplained, repeats }
}

/**
 * The checkpoint post answered 200 that carried `execution`'s step, if any: one of its run's,
 * made after the body ended and before the run's next body began (the SDK posts each step as it
 * ends and goes on only once it is answered).
 */
export function acknowledgedCheckpoint(execution: Execution, executions: readonly Execution[], posts: readonly CheckpointPost[]): CheckpointPost | undefined {
  if (execution.endedAt === undefined) return undefined
  const next = Math.min(...executions.filter((e) => e.runId === execution.runId && e.at > execution.at).map((e) => e.at))
  return posts.find((post) => post.runId === execution.runId && post.outcome === '200' && post.at >= execution.endedAt! && post.at < next)
}

/** Runs (tags) executing a step body when `kill` landed: it began before all was gone, and had not ended when the kill was asked for. */
export function executingAt(executions: readonly Execution[], kill: Kill): string[] {
  return [...new Set(executions.filter((e) => e.at < kill.goneAt && !(e.endedAt !== undefined && e.endedAt <= kill.at)).map((e) => e.tag))]
}

/** How the checkpoint posts made in [from, to) ended: outcome → count. */
export function checkpointOutcomes(posts: readonly CheckpointPost[], from: number, to: number): Record<string, number> {
  const outcomes: Record<string, number> = {}
  for (const post of posts) if (post.at >= from && post.at < to) outcomes[post.outcome] = (outcomes[post.outcome] ?? 0) + 1
  return outcomes
}

export interface SyncedCrashEvidence {
  readonly sent: readonly SentEvent[]
  /** The SDK's checkpoint posts, as the app saw them. */
  readonly posts: readonly CheckpointPost[]
  /** The last `GET /v1/events/:id/runs` answer per acknowledged event id (a string: unreadable). */
  readonly runs: ReadonlyMap<string, readonly RunResource[] | string>
  readonly executions: readonly Execution[]
  readonly kills: readonly Kill[]
}

/** Every broken promise, one line per event or step; empty when the test passes. */
export function syncedCrashProblems({ sent, runs, executions, kills, posts }: SyncedCrashEvidence): string[] {
  const problems: string[] = []
  for (const event of sent) {
    if (!event.id) continue
    const name = `${event.tag} (event ${event.id}, acknowledged in life ${event.life})`
    const found = runs.get(event.id)
    if (found === undefined || typeof found === 'string') problems.push(`UNREADABLE ${name}: ${found ?? 'never read'}`)
    else if (found.length === 0) problems.push(`LOST ${name}: acknowledged with 200, but no run`)
    else if (found.length > 1) problems.push(`SEVERAL RUNS ${name}: ${found.map((run) => `${run.run_id} ${run.status}`).join(', ')}`)
    else if (found[0]!.status !== 'Completed') problems.push(`UNFINISHED ${name}: run ${found[0]!.run_id} is ${found[0]!.status}`)
    else if (!isDeepStrictEqual(found[0]!.output, slowStepsOutput(event))) problems.push(`WRONG OUTPUT ${name}: ${JSON.stringify(found[0]!.output)}, expected ${JSON.stringify(slowStepsOutput(event))}`)
    else {
      const ran = new Set(executions.filter((e) => e.tag === event.tag).map((e) => e.step))
      const missing = SLOW_STEPS.filter((step) => !ran.has(step))
      if (missing.length > 0) problems.push(`HARNESS ${name}: completed, but the app never began ${missing.join(', ')}`)
    }
  }
  const { perKill, unexplained, repeats } = reExecutionsOf(executions, kills)
  problems.push(...unexplained.map((line) => `RE-EXECUTED without a kill: ${line}`))
  for (const [previous, again] of repeats) {
    const acknowledged = acknowledgedCheckpoint(previous, executions, posts)
    if (acknowledged) problems.push(`RE-EXECUTED a recorded step: ${again.tag} ${again.step} began again at ${again.at} though its checkpoint was answered 200 at ${acknowledged.endedAt}`)
  }
  perKill.forEach((tags, k) => {
    for (const [tag, extra] of tags) if (extra > 1) problems.push(`RE-EXECUTED ${extra} step bodies of ${tag} after kill ${k + 1}: at most the one executing at the kill may run again`)
  })
  const tags = new Set(sent.map((event) => event.tag))
  const strangers = [...new Set(executions.filter((e) => !tags.has(e.tag)).map((e) => e.tag))]
  if (strangers.length > 0) problems.push(`HARNESS: step bodies ran for tags never sent: ${strangers.join(', ')}`)
  return problems
}
