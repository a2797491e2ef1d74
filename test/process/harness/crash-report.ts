/**
 * What the crash test asserts, as a list of problems (empty when every promise held):
 * each acknowledged event has exactly one run, Completed, with the expected output; no step body
 * ran twice within one wrangler dev lifetime. Lifetimes are separated by SIGKILLs, so a body
 * that ran again in the same lifetime ran again with no kill after its first execution started:
 * its result was recorded, or it was never at risk. The counter also has to have seen every
 * step of every completed run, which checks the harness itself.
 */
import type { RunResource, SentEvent } from './event-client.js'
import type { StepExecution } from './step-counter.js'

/** The step ids of test/process/worker.ts's crash-flow, in order. */
export const STEPS = ['double', 'add-one', 'label'] as const

/** crash-flow's output for an event: `${tag}:${n * 2 + 1}` (see worker.ts). */
export const expectedOutput = ({ tag, n }: { tag: string; n: number }) => `${tag}:${n * 2 + 1}`

export interface CrashEvidence {
  /** Every event sent, acknowledged or not. */
  readonly sent: readonly SentEvent[]
  /** The last `GET /v1/events/:id/runs` answer per acknowledged event id (a string: unreadable). */
  readonly runs: ReadonlyMap<string, readonly RunResource[] | string>
  readonly executions: readonly StepExecution[]
  readonly malformedReports: readonly string[]
}

const LISTED = 60

/** `title (count):` and an indented line per item, at most LISTED of them. */
function section(title: string, items: string[]): string[] {
  if (items.length === 0) return []
  const more = items.length > LISTED ? [`\n    … and ${items.length - LISTED} more`] : []
  return [[`${title} (${items.length}):`, ...items.slice(0, LISTED)].join('\n    ') + more.join('')]
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>()
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item])
  return groups
}

/** Problems with the runs of acknowledged events. */
function runProblems({ sent, runs }: CrashEvidence): string[] {
  const lost: string[] = []
  const unfinished: string[] = []
  const wrong: string[] = []
  const several: string[] = []
  const unreadable: string[] = []
  for (const event of sent) {
    if (!event.id) continue
    const name = `${event.tag} (event ${event.id}, acknowledged in life ${event.life})`
    const found = runs.get(event.id)
    if (found === undefined || typeof found === 'string') unreadable.push(`${name}: ${found ?? 'never read'}`)
    else if (found.length === 0) lost.push(name)
    else if (found.length > 1) several.push(`${name}: ${found.map((run) => `${run.run_id} ${run.status}`).join(', ')}`)
    else if (found[0]!.status !== 'Completed') unfinished.push(`${name}: run ${found[0]!.run_id} is ${found[0]!.status}`)
    else if (found[0]!.output !== expectedOutput(event)) wrong.push(`${name}: output ${JSON.stringify(found[0]!.output)}, expected ${JSON.stringify(expectedOutput(event))}`)
  }
  return [
    ...section('LOST: acknowledged with 200, but no run', lost),
    ...section('UNFINISHED: the run is not Completed', unfinished),
    ...section('WRONG OUTPUT', wrong),
    ...section('SEVERAL RUNS for one event', several),
    ...section('UNREADABLE: GET /v1/events/:id/runs failed', unreadable),
  ]
}

/** Problems the step counter shows: re-executions, duplicate runs, and its own gaps. */
function stepProblems({ sent, runs, executions, malformedReports }: CrashEvidence): string[] {
  const tags = new Set(sent.map((event) => event.tag))
  const reExecuted: string[] = []
  for (const [key, group] of groupBy(executions, (e) => `${e.tag} step ${e.step} life ${e.life}`)) {
    if (group.length > 1) reExecuted.push(`${key} ran ${group.length}× (run ${[...new Set(group.map((e) => e.runId))].join(', ')})`)
  }
  const duplicateRuns: string[] = []
  for (const [tag, group] of groupBy(executions, (e) => e.tag)) {
    const runIds = [...new Set(group.map((e) => e.runId))]
    if (runIds.length > 1) duplicateRuns.push(`${tag}: step bodies ran under runs ${runIds.join(', ')}`)
  }
  const counterGaps: string[] = []
  for (const event of sent) {
    const found = event.id ? runs.get(event.id) : undefined
    if (typeof found !== 'object' || found.length !== 1 || found[0]!.status !== 'Completed') continue
    const seen = new Set(executions.filter((e) => e.runId === found[0]!.run_id).map((e) => e.step))
    const missing = STEPS.filter((step) => !seen.has(step))
    if (missing.length > 0) counterGaps.push(`${event.tag} run ${found[0]!.run_id} completed, but the counter never saw ${missing.join(', ')}`)
  }
  const strangers = [...new Set(executions.filter((e) => !tags.has(e.tag)).map((e) => e.tag))]
  return [
    ...section('RE-EXECUTED STEPS: a step body ran again with no kill after its previous execution started', reExecuted),
    ...section('DUPLICATE RUNS: one event ran under several run ids', duplicateRuns),
    ...section('HARNESS: the step counter missed executions', counterGaps),
    ...section('HARNESS: malformed reports to the step counter', [...malformedReports]),
    ...section('HARNESS: reports for tags never sent', strangers),
  ]
}

/** Every broken promise, one line per kind; empty when the crash test passes. */
export function crashProblems(evidence: CrashEvidence): string[] {
  const inOrder = { ...evidence, sent: [...evidence.sent].sort((a, b) => a.n - b.n) }
  return [...runProblems(inOrder), ...stepProblems(inOrder)]
}

/** Executions of a (run, step) body beyond its first: fine in a later lifetime (the kill came first). */
export function repeatedExecutions(executions: readonly StepExecution[]): number {
  const keys = executions.map((e) => `${e.tag} ${e.step}`)
  return keys.length - new Set(keys).size
}
