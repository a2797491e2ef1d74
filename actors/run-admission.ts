/**
 * Run-side flow control: which throttle and concurrency slots a run needs, computed from its
 * function's options and its trigger event (keys and priority are CEL over `event`), and the
 * calls that take and give back those slots through the slot actors. Taking is idempotent per
 * run, so a run that lost a message, or its object, simply asks again.
 */
import { clampPriority, type RunContext } from '../machines/index.js'
import type { RunEventPayload } from './engine/executor.js'
import { CANCELLED } from './cancellation-reasons.js'
import { compileExpression } from './engine/expression.js'
import { flowKeyValue } from './engine/flow-key.js'
import type { RunnableFunction } from './engine/function-definition.js'
import type { RunAddress } from './storage/stream-store.js'

/** How long a concurrency lease lasts unless renewed: two watchdog periods. */
export const LEASE_MS = 60_000

/**
 * The slot actors a run talks to; absent in hosts without flow control. A request names the
 * run's `host` when another object than its `RunActor` hosts it: the slot actor calls `admit()`
 * there when the slot or start it waits for frees up.
 */
export interface SlotPorts {
  acquire(slot: string, request: { runId: string; limit: number; leaseMs: number; priority: number; host?: RunAddress }): Promise<boolean>
  release(slot: string, runId: string): Promise<void>
  renew(slot: string, runId: string, until: number): Promise<boolean>
  enqueue(slot: string, request: { runId: string; limit: number; periodMs: number; burst: number; host?: RunAddress }): Promise<boolean>
}

export interface Admission {
  readonly throttle?: { readonly slot: string; readonly limit: number; readonly periodMs: number; readonly burst: number }
  readonly concurrency: ReadonlyArray<{ readonly slot: string; readonly limit: number }>
  readonly priority: number
}

/** The slots a run of `fn` triggered by `event` needs. */
export function admissionFor(functionId: string, fn: RunnableFunction, event: RunEventPayload | undefined): Admission {
  const flow = fn.options.flow
  if (!flow) return { concurrency: [], priority: 0 }
  const { throttle, priority } = flow
  return {
    ...(throttle ? { throttle: { slot: `slot:throttle:${functionId}:${flowKeyValue(throttle.key, event, 'throttle.key')}`, limit: throttle.limit, periodMs: throttle.periodMs, burst: throttle.burst } } : {}),
    concurrency: flow.concurrency
      // 0 means no limit, as in Inngest.
      .filter((limit) => limit.limit > 0)
      .map((limit, index) => {
        const owner = limit.scope === 'fn' ? `fn:${functionId}` : limit.scope
        const key = flowKeyValue(limit.key, event, `concurrency[${index}].key`)
        return { slot: `slot:concurrency:${owner}:${limit.key ?? ''}:${key}`, limit: limit.limit }
      }),
    priority: priority ? clampPriority(safeEvaluate(priority.run, event)) : 0,
  }
}

function safeEvaluate(source: string, event: RunEventPayload | undefined): unknown {
  try {
    return compileExpression(source, 'priority.run').evaluate({ event })
  } catch {
    return 0
  }
}

/** When the run must be cancelled by `timeouts`: start while queued, finish once started. */
export function deadlineOf(context: RunContext, fn: RunnableFunction | undefined): { at: number; reason: string } | undefined {
  const timeouts = fn?.options.flow?.timeouts
  if (!timeouts || context.outcome) return undefined
  if (context.startedAt === null) {
    return timeouts.startMs === undefined ? undefined : { at: context.queuedAt + timeouts.startMs, reason: CANCELLED.startTimeout }
  }
  return timeouts.finishMs === undefined ? undefined : { at: context.startedAt + timeouts.finishMs, reason: CANCELLED.finishTimeout }
}

/**
 * Takes every concurrency slot of `admission`; true when all are held. `hostedAt` is where the
 * slot actors tell the run a slot freed up (`{}`: its `RunActor`).
 */
export async function acquireSlots(ports: SlotPorts, admission: Admission, runId: string, hostedAt: { readonly host?: RunAddress } = {}): Promise<boolean> {
  for (const { slot, limit } of admission.concurrency) {
    // In order: a run holding the first slot while queued for the second keeps its place.
    if (!(await ports.acquire(slot, { runId, limit, leaseMs: LEASE_MS, priority: admission.priority, ...hostedAt }))) return false
  }
  return true
}

export async function releaseSlots(ports: SlotPorts, admission: Admission, runId: string): Promise<void> {
  await Promise.all(admission.concurrency.map(({ slot }) => ports.release(slot, runId)))
}

/** Extends the run's leases; false if any had already expired (its slot may be someone else's). */
export async function renewSlots(ports: SlotPorts, admission: Admission, runId: string, until: number): Promise<boolean> {
  const renewed = await Promise.all(admission.concurrency.map(({ slot }) => ports.renew(slot, runId, until)))
  return renewed.every(Boolean)
}
