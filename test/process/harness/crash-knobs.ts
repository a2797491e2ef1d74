/**
 * What the crash tests share besides their harness: their size knobs from the environment, the
 * events they plan, and when an event's runs count as finished.
 */
import type { PlannedEvent, RunResource } from './event-client.js'

/** The integer ≥ 2 the environment variable `name` sets, else `fallback`. @throws {TypeError} naming the variable */
export function positiveInteger(name: string, fallback: number): number {
  const text = process.env[name]
  if (text === undefined || text === '') return fallback
  const value = Number(text)
  if (!Number.isSafeInteger(value) || value < 2) throw new TypeError(`${name} must be an integer ≥ 2 (got ${text})`)
  return value
}

export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`

/** `count` events tagged `<prefix>-<n>`, n from `from`. */
export const plannedEvents = (prefix: string, from: number, count: number): PlannedEvent[] => Array.from({ length: count }, (_, i) => ({ tag: `${prefix}-${from + i}`, n: from + i }))

/** Whether the runs read back all have one of the `terminal` statuses (and there is at least one). */
export const allFinished = (runs: readonly RunResource[] | string | undefined, terminal: ReadonlySet<string>) => typeof runs === 'object' && runs.length > 0 && runs.every((run) => terminal.has(run.status))
