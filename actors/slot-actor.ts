/**
 * The slot actor: one Durable Object per concurrency key (`slot:concurrency:…`) or throttle key
 * (`slot:throttle:…`). It hosts the pure cores of machines/flow (concurrency pool, GCRA throttle)
 * on SQLite, drives lease expiry and throttle release with its alarm, and tells a waiting run
 * when it may go, in the object hosting it: the `host` its request named (a Durable Object of the
 * user's embedding `RunHost`), else its own `RunActor`. Persist before acting: grants are
 * recorded with the state, then the runs are told; a run that misses the message asks again on
 * its own alarm, and asking is idempotent.
 */
import { DurableObject } from 'cloudflare:workers'
import {
  createConcurrency,
  createThrottle,
  expireSlots,
  holdsSlot,
  nextSlotExpiry,
  releaseSlot,
  renewSlot,
  requestSlot,
  type ConcurrencyState,
  type ThrottleState,
} from '../machines/index.js'
import type { RunActor } from './run-actor.js'
import { alarmTime } from './alarm-due.js'
import { systemClock, type Clock } from './clock.js'
import { hostedRunStub, type HostedRunRpc } from './run-actor-stub.js'
import { onPoolWindow, onThrottleWindow, type QueueChanges, type ThrottledRun } from './slot-queue.js'
import { SlotStore, type RunToTell } from './storage/slot-store.js'
import type { RunAddress } from './storage/stream-store.js'

export interface SlotActorEnv {
  readonly INNGEST_RUNS: DurableObjectNamespace<RunActor>
}

export interface ConcurrencyRequestRpc {
  readonly runId: string
  readonly limit: number
  readonly leaseMs: number
  readonly priority: number
  /** The object hosting the run when it is not its own `RunActor` (`RunHost`'s `address`). */
  readonly host?: RunAddress
}

export interface ThrottleRequestRpc {
  readonly runId: string
  readonly limit: number
  readonly periodMs: number
  readonly burst: number
  /** The object hosting the run when it is not its own `RunActor` (`RunHost`'s `address`). */
  readonly host?: RunAddress
}

function throttledRun({ runId, host }: ThrottleRequestRpc): ThrottledRun {
  return host ? { runId, host } : runId
}

/** The run a lease was granted to, or a throttled run started, and where to tell it. */
function runToTell(grant: string | { readonly runId: string; readonly host?: unknown }): RunToTell {
  if (typeof grant === 'string') return { runId: grant }
  // The pool keeps a lease's host opaque; this actor only ever gives it a RunAddress.
  return grant.host === undefined ? { runId: grant.runId } : { runId: grant.runId, host: grant.host as RunAddress }
}

/** A failed notification is retried this soon by the alarm. */
const NOTIFY_RETRY_MS = 1_000

export class SlotActor extends DurableObject<SlotActorEnv> {
  private store!: SlotStore
  /** Runs being told right now (in memory: after a restart the stored list is simply retried). */
  private readonly telling = new Set<string>()
  /** What this actor reads the time from (a test may set another inside `runInDurableObject`). */
  clock: Clock = systemClock

  constructor(ctx: DurableObjectState, env: SlotActorEnv) {
    super(ctx, env)
    void ctx.blockConcurrencyWhile(async () => {
      this.store = new SlotStore(ctx.storage)
    })
  }

  /** Asks for a concurrency slot; true if held now (idempotent), else queued by priority. */
  async acquire(request: ConcurrencyRequestRpc): Promise<boolean> {
    const now = this.clock()
    const slot = { runId: request.runId, priority: request.priority, at: now, ...(request.host ? { host: request.host } : {}) }
    const { decision, changes } = onPoolWindow(this.store, this.pool(request.limit, request.leaseMs), request.runId, (pool) => requestSlot(pool, slot))
    const others = decision.granted.filter((lease) => lease.runId !== request.runId)
    await this.commit(decision.state, others.map(runToTell), nextSlotExpiry(decision.state), changes)
    return decision.outcome === 'granted' || holdsSlot(decision.state, request.runId)
  }

  /** Gives a slot back (or leaves the queue); the next waiters are told. */
  async release(runId: string): Promise<void> {
    const pool = this.store.readState<ConcurrencyState>()
    if (!pool) return
    const { decision, changes } = onPoolWindow(this.store, pool, runId, (window) => releaseSlot(window, runId, this.clock()))
    await this.commit(decision.state, decision.granted.map(runToTell), nextSlotExpiry(decision.state), changes)
  }

  /** Extends a held lease (the run is still executing); false if it expired meanwhile. */
  async renew(runId: string, until: number): Promise<boolean> {
    const pool = this.store.readState<ConcurrencyState>()
    if (!pool) return false
    const { decision, changes } = onPoolWindow(this.store, pool, undefined, (window) => renewSlot(window, runId, until, this.clock()))
    await this.commit(decision.state, decision.granted.map(runToTell), nextSlotExpiry(decision.state), changes)
    return decision.renewed
  }

  /** Queues a run start behind the throttle; true if it may start now (idempotent). */
  async enqueue(request: ThrottleRequestRpc): Promise<boolean> {
    if (this.store.wasStarted(request.runId)) return true
    const now = this.clock()
    const throttle = this.store.readState<ThrottleState<ThrottledRun>>() ?? createThrottle<ThrottledRun>(request)
    const windowed = onThrottleWindow(this.store, throttle, now, throttledRun(request))
    if (!windowed) return false // already queued
    const { decision, changes } = windowed
    const started = decision.start.map(runToTell)
    this.store.transaction(() => this.store.markStarted(started.map((run) => run.runId), now))
    await this.commit(decision.state, started.filter((run) => run.runId !== request.runId), decision.wakeAt, changes)
    return started.some((run) => run.runId === request.runId)
  }

  /** Expires leases and releases throttled starts due by now (alarm-due.ts), and retries messages. */
  override async alarm(info?: AlarmInvocationInfo): Promise<void> {
    const now = alarmTime(this.clock(), info, this.store.readAlarmAt())
    const state = this.store.readState<ConcurrencyState | ThrottleState<ThrottledRun>>()
    if (state && 'queue' in state) {
      const { decision, changes } = onThrottleWindow(this.store, state, now)!
      const started = decision.start.map(runToTell)
      this.store.transaction(() => this.store.markStarted(started.map((run) => run.runId), now))
      await this.commit(decision.state, started, decision.wakeAt, changes)
    } else if (state) {
      const { decision, changes } = onPoolWindow(this.store, state, undefined, (pool) => expireSlots(pool, now))
      await this.commit(decision.state, decision.granted.map(runToTell), nextSlotExpiry(decision.state), changes)
    } else {
      await this.notifyAll()
    }
  }

  private pool(limit: number, leaseMs: number): ConcurrencyState {
    const pool = this.store.readState<ConcurrencyState>() ?? createConcurrency({ limit, leaseMs })
    // A deploy may change the limit: adopt it; the next grant or expiry applies it.
    return pool.limit === limit && pool.leaseMs === leaseMs ? pool : { ...pool, limit, leaseMs }
  }

  /** Persists the new state, its queue's row changes and the runs to tell, sets the alarm, then tells them. */
  private async commit(state: unknown, notify: readonly RunToTell[], wakeAt: number | undefined, changes: QueueChanges): Promise<void> {
    this.store.transaction(() => {
      changes()
      this.store.writeState(state)
      this.store.addNotifications(notify)
    })
    await this.notifyAll()
    const alarmAt = this.store.notifications().length > 0 ? this.clock() + NOTIFY_RETRY_MS : wakeAt
    this.store.writeAlarmAt(alarmAt ?? null)
    if (alarmAt === undefined) await this.ctx.storage.deleteAlarm()
    else await this.ctx.storage.setAlarm(alarmAt)
  }

  private async notifyAll(): Promise<void> {
    for (const { runId, host } of this.store.notifications()) {
      // Calls interleave while this one awaits: tell each run once, not once per caller.
      if (this.telling.has(runId)) continue
      const run = this.hostingObject(runId, host)
      if (!run) continue
      this.telling.add(runId)
      try {
        await run.admit()
        this.store.notified(runId)
      } catch (error) {
        console.warn(`inngest.do: could not tell run ${runId} it may go; retrying`, error)
      } finally {
        this.telling.delete(runId)
      }
    }
  }

  /** The object hosting the run; none, and the message dropped, if this worker lacks its binding. */
  private hostingObject(runId: string, host: RunAddress | undefined): HostedRunRpc | undefined {
    try {
      return hostedRunStub(this.env, runId, host)
    } catch (error) {
      // Retrying cannot make a binding appear; the run's own watchdog alarm asks again.
      console.error(`inngest.do: cannot tell run ${runId} it may go: its object is unreachable from here`, error)
      this.store.notified(runId)
      return undefined
    }
  }
}
