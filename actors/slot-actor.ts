/**
 * The slot actor: one Durable Object per concurrency key (`slot:concurrency:…`) or throttle key
 * (`slot:throttle:…`). It hosts the pure cores of machines/flow (concurrency pool, GCRA throttle)
 * on SQLite, drives lease expiry and throttle release with its alarm, and tells a waiting run's
 * actor when it may go. Persist before acting: grants are recorded with the state, then the runs
 * are told; a run that misses the message asks again on its own alarm, and asking is idempotent.
 */
import { DurableObject } from 'cloudflare:workers'
import {
  createConcurrency,
  createThrottle,
  drainThrottle,
  enqueueThrottled,
  expireSlots,
  holdsSlot,
  nextSlotExpiry,
  releaseSlot,
  renewSlot,
  requestSlot,
  type ConcurrencyState,
  type ThrottleState,
} from '../machines/index.js'
import { runActorStub, type RunActor } from './run-actor.js'
import { SlotStore } from './storage/slot-store.js'

export interface SlotActorEnv {
  readonly INNGEST_RUNS: DurableObjectNamespace<RunActor>
}

export interface ConcurrencyRequestRpc {
  readonly runId: string
  readonly limit: number
  readonly leaseMs: number
  readonly priority: number
}

export interface ThrottleRequestRpc {
  readonly runId: string
  readonly limit: number
  readonly periodMs: number
  readonly burst: number
}

/** A failed notification is retried this soon by the alarm. */
const NOTIFY_RETRY_MS = 1_000

export class SlotActor extends DurableObject<SlotActorEnv> {
  private store!: SlotStore
  /** Runs being told right now (in memory: after a restart the stored list is simply retried). */
  private readonly telling = new Set<string>()

  constructor(ctx: DurableObjectState, env: SlotActorEnv) {
    super(ctx, env)
    void ctx.blockConcurrencyWhile(async () => {
      this.store = new SlotStore(ctx.storage)
    })
  }

  /** Asks for a concurrency slot; true if held now (idempotent), else queued by priority. */
  async acquire(request: ConcurrencyRequestRpc): Promise<boolean> {
    const now = Date.now()
    const pool = this.pool(request.limit, request.leaseMs)
    const decision = requestSlot(pool, { runId: request.runId, priority: request.priority, at: now })
    await this.commit(decision.state, decision.granted.map((lease) => lease.runId).filter((runId) => runId !== request.runId), nextSlotExpiry(decision.state))
    return decision.outcome === 'granted' || holdsSlot(decision.state, request.runId)
  }

  /** Gives a slot back (or leaves the queue); the next waiters are told. */
  async release(runId: string): Promise<void> {
    const pool = this.store.readState<ConcurrencyState>()
    if (!pool) return
    const decision = releaseSlot(pool, runId, Date.now())
    await this.commit(decision.state, decision.granted.map((lease) => lease.runId), nextSlotExpiry(decision.state))
  }

  /** Extends a held lease (the run is still executing); false if it expired meanwhile. */
  async renew(runId: string, until: number): Promise<boolean> {
    const pool = this.store.readState<ConcurrencyState>()
    if (!pool) return false
    const decision = renewSlot(pool, runId, until, Date.now())
    await this.commit(decision.state, decision.granted.map((lease) => lease.runId), nextSlotExpiry(decision.state))
    return decision.renewed
  }

  /** Queues a run start behind the throttle; true if it may start now (idempotent). */
  async enqueue(request: ThrottleRequestRpc): Promise<boolean> {
    if (this.store.wasStarted(request.runId)) return true
    const now = Date.now()
    const throttle = this.store.readState<ThrottleState<string>>() ?? createThrottle<string>(request)
    if (throttle.queue.includes(request.runId)) return false
    const decision = enqueueThrottled(throttle, request.runId, now)
    this.store.transaction(() => this.store.markStarted(decision.start, now))
    await this.commit(decision.state, decision.start.filter((runId) => runId !== request.runId), decision.wakeAt)
    return decision.start.includes(request.runId)
  }

  override async alarm(): Promise<void> {
    // Alarms never fire early: the time it was set for is due even if the clock reads earlier
    // (a test firing it ahead of time).
    const now = Math.max(Date.now(), this.store.readAlarmAt() ?? 0)
    const state = this.store.readState<ConcurrencyState | ThrottleState<string>>()
    if (state && 'queue' in state) {
      const decision = drainThrottle(state, now)
      this.store.transaction(() => this.store.markStarted(decision.start, now))
      await this.commit(decision.state, decision.start, decision.wakeAt)
    } else if (state) {
      const decision = expireSlots(state, now)
      await this.commit(decision.state, decision.granted.map((lease) => lease.runId), nextSlotExpiry(decision.state))
    } else {
      await this.notifyAll()
    }
  }

  private pool(limit: number, leaseMs: number): ConcurrencyState {
    const pool = this.store.readState<ConcurrencyState>() ?? createConcurrency({ limit, leaseMs })
    // A deploy may change the limit: adopt it; the next grant or expiry applies it.
    return pool.limit === limit && pool.leaseMs === leaseMs ? pool : { ...pool, limit, leaseMs }
  }

  /** Persists the new state with the runs to tell, sets the alarm, then tells them. */
  private async commit(state: unknown, notify: readonly string[], wakeAt: number | undefined): Promise<void> {
    this.store.transaction(() => {
      this.store.writeState(state)
      this.store.addNotifications(notify)
    })
    await this.notifyAll()
    const alarmAt = this.store.notifications().length > 0 ? Date.now() + NOTIFY_RETRY_MS : wakeAt
    this.store.writeAlarmAt(alarmAt ?? null)
    if (alarmAt === undefined) await this.ctx.storage.deleteAlarm()
    else await this.ctx.storage.setAlarm(alarmAt)
  }

  private async notifyAll(): Promise<void> {
    for (const runId of this.store.notifications()) {
      // Calls interleave while this one awaits: tell each run once, not once per caller.
      if (this.telling.has(runId)) continue
      this.telling.add(runId)
      try {
        await runActorStub(this.env.INNGEST_RUNS, runId).admit()
        this.store.notified(runId)
      } catch (error) {
        console.warn(`inngest.do: could not tell run ${runId} it may go; retrying`, error)
      } finally {
        this.telling.delete(runId)
      }
    }
  }
}

/** The slot actor of `name` (`slot:concurrency:<scope>:<key>` or `slot:throttle:<fn>:<key>`). */
export function slotStub(namespace: DurableObjectNamespace<SlotActor>, name: string): SlotActorRpc {
  return namespace.get(namespace.idFromName(name)) as unknown as SlotActorRpc
}

export interface SlotActorRpc {
  acquire(request: ConcurrencyRequestRpc): Promise<boolean>
  release(runId: string): Promise<void>
  renew(runId: string, until: number): Promise<boolean>
  enqueue(request: ThrottleRequestRpc): Promise<boolean>
}
