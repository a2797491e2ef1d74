/**
 * The cron actor: one Durable Object per (function, cron expression), addressed by
 * `idFromName('cron:<compositeId>:<expression>')`. It keeps that schedule and drives it with its
 * alarm; each tick starts one run of that function only, with `inngest/scheduled.timer`.
 *
 * - Once per tick. The tick's event id is `cron:<compositeId>:<tickMs>` and the run id derives
 *   from it, so a tick fired twice (a retried alarm, two triggers of one function ticking at the
 *   same instant) reaches the same run actor and starts one run.
 * - Persist, then act. The fired tick is written (as pending) with the next one before the run
 *   starts; a retried alarm finds it pending and starts it again, idempotently.
 * - Missed ticks. After downtime only the latest due tick fires; the ones before it are skipped.
 * - Not routed. The run is started through this function's flow gates only (a `singleton` cron
 *   skips a tick while the last run is still going; rateLimit, debounce … apply as to events): a
 *   function listening to `inngest/scheduled.timer` never sees another function's ticks. The
 *   event is stored in the event index for `GET /v1/events`, marked routed at once, never queued.
 * - Deploys. A function deployed without this trigger (removed, or its expression changed, which
 *   names another actor) disarms this one at its next alarm; `arm()` starts it again.
 */
import { DurableObject } from 'cloudflare:workers'
import { alarmTime } from './alarm-due.js'
import { systemClock, type Clock } from './clock.js'
import { parseCron, type CronSchedule } from './engine/cron.js'
import type { RunEventPayload } from './engine/executor.js'
import type { RunnableFunction } from './engine/function-definition.js'
import { eventIndexStub, type EventIndexEnv } from './event-index-stub.js'
import { applyFlowGates } from './events/apply-flow-gates.js'
import { homeShard, indexShards } from './events/index-shards.js'
import type { FlowGateActor } from './flow-gate-actor.js'
import { findFunction } from './registry.js'
import type { Remote } from './remote.js'
import type { RunActor } from './run-actor.js'
import { CronStore, type CronScheduleState } from './storage/cron-store.js'
import type { AppRegistryEnv } from './apps/app-registry-actor.js'
import { ensureSyncedFunctions } from './apps/synced-functions.js'

export type { CronScheduleState } from './storage/cron-store.js'

/** The name of the event a cron-triggered run receives. */
export const SCHEDULED_TIMER_EVENT = 'inngest/scheduled.timer'
/** After a run start failed, the alarm tries it again this much later. */
const START_RETRY_MS = 10_000

/** Bindings the cron actor uses: runs and their flow gates, and the event index for visibility. */
export interface CronActorEnv extends EventIndexEnv, AppRegistryEnv {
  readonly INNGEST_RUNS: DurableObjectNamespace<RunActor>
  readonly INNGEST_FLOW_GATES: DurableObjectNamespace<FlowGateActor>
}

/** The cron actor's RPC surface as callers see it. */
export type CronActorRpc = Remote<CronActor, 'arm' | 'inspect'>

/** The Durable Object name of the schedule of `functionId`'s trigger `expression`. */
export function cronActorName(functionId: string, expression: string): string {
  return `cron:${functionId}:${expression}`
}

/** The cron actor of `functionId`'s trigger `expression`. */
export function cronActorStub(namespace: DurableObjectNamespace<CronActor>, functionId: string, expression: string): CronActorRpc {
  return namespace.get(namespace.idFromName(cronActorName(functionId, expression)))
}

/** The event of `functionId`'s tick at `tickMs`: the same id however often the tick fires. */
export function scheduledTimerEvent(functionId: string, expression: string, tickMs: number): RunEventPayload {
  return { name: SCHEDULED_TIMER_EVENT, id: `cron:${functionId}:${tickMs}`, ts: tickMs, data: { cron: expression }, user: {} }
}

/** Whether `fn` is registered with the cron trigger `expression`. */
export function hasCronTrigger(fn: RunnableFunction | undefined, expression: string): boolean {
  return fn?.options.triggers.some((trigger) => 'cron' in trigger && trigger.cron === expression) ?? false
}

/**
 * The latest tick at or before `dueBy`, given that `scheduled` is a tick and due. Ticks are
 * found by bisection (about 40 `nextAfter` calls for a year), never walked one by one, so a
 * per-second schedule after a week of downtime costs the same as a daily one.
 */
export function latestDueTick(schedule: CronSchedule, scheduled: number, dueBy: number): number {
  if (schedule.nextAfter(scheduled) > dueBy) return scheduled
  // nextAfter is monotonic: find the last instant whose next tick is still due.
  let low = scheduled
  let high = dueBy
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2)
    if (schedule.nextAfter(middle) <= dueBy) low = middle
    else high = middle
  }
  return schedule.nextAfter(low)
}

export class CronActor extends DurableObject<CronActorEnv> {
  private store!: CronStore
  /** What this actor reads the time from (a test may set another inside `runInDurableObject`). */
  clock: Clock = systemClock

  constructor(ctx: DurableObjectState, env: CronActorEnv) {
    super(ctx, env)
    void ctx.blockConcurrencyWhile(async () => {
      this.store = new CronStore(ctx.storage)
    })
  }

  /**
   * Persists the schedule if it is new (or was disarmed) and sets the alarm for its next tick.
   * Idempotent: arming an armed schedule changes nothing.
   * @throws {TypeError} if no registered function has this cron trigger.
   */
  async arm(functionId: string, expression: string): Promise<CronScheduleState> {
    await ensureSyncedFunctions(this.env)
    if (!hasCronTrigger(findFunction(functionId), expression)) {
      throw new TypeError(`No function "${functionId}" with the cron trigger ${JSON.stringify(expression)} is registered in this worker.`)
    }
    const schedule = parseCron(expression, 'cron')
    const now = this.clock()
    let state = this.store.read()
    if (!state || state.functionId !== functionId || state.expression !== expression) {
      state = this.store.write({ functionId, expression, nextTick: schedule.nextAfter(now), lastTick: null, pendingTick: null })
    } else if (state.nextTick === null) {
      // Re-armed after a disarm: never a tick at or before the last one fired.
      state = this.store.write({ ...state, nextTick: schedule.nextAfter(Math.max(now, state.lastTick ?? 0)) })
    }
    await this.syncAlarm(state)
    return state
  }

  /** The persisted schedule, or null if this actor was never armed. */
  inspect(): CronScheduleState | null {
    return this.store.read()
  }

  /** Fires the due tick (a pending one first), then sets the alarm for the next. */
  override async alarm(alarmInfo?: AlarmInvocationInfo): Promise<void> {
    let state = this.store.read()
    if (!state || state.nextTick === null) return
    await ensureSyncedFunctions(this.env)
    if (!hasCronTrigger(findFunction(state.functionId), state.expression)) {
      this.store.write({ ...state, nextTick: null, pendingTick: null })
      return this.ctx.storage.deleteAlarm()
    }
    // An alarm set to retry a pending start says nothing about the next tick (alarm-due.ts).
    const setFor = state.pendingTick === null ? state.nextTick : null
    if (state.pendingTick !== null) state = await this.start(state, state.pendingTick)
    const now = this.clock()
    const scheduled = state.nextTick ?? Number.POSITIVE_INFINITY
    const dueBy = alarmTime(now, alarmInfo, setFor)
    if (scheduled <= dueBy) {
      const schedule = parseCron(state.expression, 'cron')
      const tick = latestDueTick(schedule, scheduled, dueBy)
      // Written before the run starts: a crash from here on leaves the tick pending, not lost.
      state = this.store.write({ ...state, lastTick: tick, pendingTick: tick, nextTick: schedule.nextAfter(Math.max(now, tick)) })
      state = await this.start(state, tick)
    }
    await this.syncAlarm(state)
  }

  /**
   * Starts the run of `tick` through the function's flow gates (idempotent: the run id derives
   * from the tick's event, and the gates remember their answer per event) and clears it as pending.
   */
  private async start(state: CronScheduleState, tick: number): Promise<CronScheduleState> {
    const event = scheduledTimerEvent(state.functionId, state.expression, tick)
    try {
      const fn = findFunction(state.functionId)
      if (!fn) throw new TypeError(`No function "${state.functionId}" is registered in this worker.`)
      await applyFlowGates(event, state.functionId, fn, this.env)
    } catch (error) {
      // The tick stays pending; whichever comes first, this alarm or the runtime's retry, starts it.
      await this.ctx.storage.setAlarm(this.clock() + START_RETRY_MS)
      throw error
    }
    await this.record(event)
    return this.store.write({ ...state, pendingTick: null })
  }

  /** Stores the tick's event for `GET /v1/events`, routed at once so it is never queued. */
  private async record(event: RunEventPayload): Promise<void> {
    try {
      await eventIndexStub(this.env.INNGEST_EVENT_INDEX, homeShard(indexShards(this.env), event.id)).file([event])
    } catch (error) {
      // Visibility only: the run has started, which is what the tick is for.
      console.error(`inngest.do: could not record cron event ${event.id}:`, error)
    }
  }

  /** The alarm on the next tick, or soon while a start is pending; none while disarmed. */
  private async syncAlarm(state: CronScheduleState): Promise<void> {
    const storage = this.ctx.storage
    if (state.nextTick === null) return storage.deleteAlarm()
    const current = await storage.getAlarm()
    const wanted = state.pendingTick !== null ? (current ?? this.clock() + START_RETRY_MS) : state.nextTick
    if (current !== wanted) await storage.setAlarm(wanted)
  }
}
