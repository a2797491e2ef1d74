/**
 * Many runs in one Durable Object of yours (an entity: a `Document`, a `Customer`): each run has
 * its own machine snapshot, steps, effects and timers, in the object's SQLite beside your
 * tables, and one `RunHost` driving it. The object has one alarm: each run's wake-up is a row
 * (`EntityRunList`), and the object's alarm is the earliest of theirs and yours.
 */
import { ulid } from 'ulid'
import type { RunEventPayload } from '../engine/executor.js'
import type { RunnableFunction } from '../engine/function-definition.js'
import type { InvokeResult, RunPorts } from '../run-effects.js'
import { RunHost } from '../run-host.js'
import { inngestStatus, type InngestRunStatus, type RunInspection, type RunStatusSummary } from '../run-inspection.js'
import type { StartRunRequest } from '../start-run-request.js'
import { alarmTime } from '../alarm-due.js'
import { EntityRunList } from '../storage/entity-run-list.js'
import type { RunAddress } from '../storage/stream-store.js'

/** Finished runs are kept this long by default, then pruned (their rows, steps and outputs). */
export const DEFAULT_FINISHED_RUN_RETENTION_MS = 7 * 24 * 60 * 60 * 1000
/** Runs pruned at most per start or alarm: pruning never holds the object long. */
const PRUNE_BATCH = 50
/**
 * Looked for at most this often per object instance: the query reads every run's snapshot, and
 * retention is counted in days, so a start need not pay for it each time.
 */
const PRUNE_INTERVAL_MS = 60_000

export interface EntityRunsOptions {
  readonly ctx: DurableObjectState
  /** How the worker reaches this object: its binding; the name is the object's own (`ctx.id.name`). */
  readonly binding: string
  readonly resolve: (functionId: string) => RunnableFunction | undefined
  readonly ports?: RunPorts
  /** How long finished runs are kept (ms, default 7 days). */
  readonly finishedRunRetentionMs?: number
  /** Called when the object's alarm fires for your own work (`scheduleAlarm`). */
  readonly onAlarm?: (info?: AlarmInvocationInfo) => Promise<void> | void
  readonly now?: () => number
}

/** A run of the entity, as `list()` shows it. */
export interface EntityRunSummary {
  readonly runId: string
  readonly functionId: string
  readonly status: InngestRunStatus
  readonly createdAt: number
  readonly endedAt: number | null
}

export class EntityRuns {
  private readonly list: EntityRunList
  private readonly hosts = new Map<string, RunHost>()
  private readonly address: RunAddress
  private readonly clock: () => number
  /** When this instance last looked for runs to prune. */
  private prunedAt = -Infinity
  /** When the object's alarm is set for, as this instance last set it (undefined: unknown). */
  private objectAlarmAt: number | null | undefined

  /** Call from the Durable Object constructor (inside `blockConcurrencyWhile`): migrates. */
  constructor(private readonly options: EntityRunsOptions) {
    const name = options.ctx.id.name
    if (!name) throw new TypeError('InngestEntity: this object has no name. Fix: address it with idFromName(key) (a function option host: { binding, key } does), not newUniqueId().')
    this.address = { binding: options.binding, name, entity: true }
    this.list = new EntityRunList(options.ctx.storage)
    this.clock = options.now ?? Date.now
  }

  /** Starts a run here; idempotent per run id (a redelivered start changes nothing). */
  async start(request: StartRunRequest): Promise<RunStatusSummary> {
    this.list.add(request.runId, request.functionId, this.clock())
    const status = await this.host(request.runId).start(request)
    await this.prune()
    return status
  }

  /**
   * Starts function `fn` (itself, or its composite id) here with `data`, as `step.invoke` would (event `inngest/function.invoked`);
   * resolves once it is persisted, with its run id.
   */
  async startFunction(fn: string | { readonly compositeId: string }, data: Record<string, unknown> = {}): Promise<string> {
    const functionId = typeof fn === 'string' ? fn : fn.compositeId
    if (!this.options.resolve(functionId)) throw new TypeError(`InngestEntity: no function "${functionId}" is registered. Fix: pass the function's composite id "<app id>-<function id>" (fn.id(), or the function itself).`)
    const runId = ulid(this.clock())
    const event: RunEventPayload = { name: 'inngest/function.invoked', id: runId, ts: this.clock(), data, user: {} }
    await this.start({ runId, functionId, events: [event] })
    return runId
  }

  /** Whether run `runId` lives here. */
  has(runId: string): boolean {
    return this.list.has(runId)
  }

  /** The runs hosted here, newest first. */
  runs(limit = 100): EntityRunSummary[] {
    return this.list.list(limit).map(({ runId, functionId, createdAt, snapshot }) => ({ runId, functionId, createdAt, status: inngestStatus(snapshot), endedAt: snapshot?.context.endedAt ?? null }))
  }

  inspect(runId: string): RunInspection {
    return this.host(runId).inspect()
  }

  status(runId: string): RunStatusSummary {
    return this.host(runId).status()
  }

  cancel(runId: string, reason?: string): Promise<RunInspection> {
    return this.host(runId).cancel(reason)
  }

  resolveWait(runId: string, stepKey: string, event: RunEventPayload): Promise<string | null> {
    return this.host(runId).resolveWait(stepKey, event)
  }

  resolveInvoke(runId: string, stepKey: string, result: InvokeResult): Promise<void> {
    return this.host(runId).resolveInvoke(stepKey, result)
  }

  admit(runId: string): Promise<void> {
    return this.host(runId).admit()
  }

  /** Sets (null: clears) the alarm for your own work; `onAlarm` is called when it fires. */
  async scheduleAlarm(at: number | null): Promise<void> {
    this.options.ctx.storage.kv.put('inngest:entity:user-alarm', at)
    await this.syncObjectAlarm()
  }

  /**
   * The object's alarm: wakes every run whose alarm is due (each with the time it was set for,
   * so a wake-up is due even if the clock reads a little earlier), then your `onAlarm` if yours
   * is due, then sets the alarm for what comes next.
   */
  async alarm(info?: Pick<AlarmInvocationInfo, 'scheduledTime'>): Promise<void> {
    // Fired by hand without `info` (a test): as the alarm that was set, the earliest wake-up.
    const at = alarmTime(this.clock(), info, this.nextWake())
    this.objectAlarmAt = null // the runtime cleared it by firing
    const due = this.list.dueAlarms(at)
    for (const { runId } of due) this.list.setAlarm(runId, null)
    // Together: one run's long step does not hold back another's wake-up.
    await Promise.all(due.map(({ runId, alarmAt }) => this.host(runId).alarm({ scheduledTime: alarmAt })))
    const userAt = this.userAlarm()
    if (userAt !== null && userAt <= at) {
      this.options.ctx.storage.kv.delete('inngest:entity:user-alarm')
      await this.options.onAlarm?.(info as AlarmInvocationInfo | undefined)
    }
    await this.prune()
    await this.syncObjectAlarm()
  }

  /** The run's host, created on first use (after eviction, again: its state is in storage). */
  private host(runId: string): RunHost {
    let host = this.hosts.get(runId)
    if (!host) {
      if (!this.list.has(runId)) throw new TypeError(`InngestEntity "${this.address.name}": run ${runId} does not live here. Fix: check the run id (runs() lists this object's runs).`)
      const shared = { runId, setAlarm: (at: number | null) => this.setRunAlarm(runId, at) }
      host = new RunHost({ ctx: this.options.ctx, resolve: this.options.resolve, ports: this.options.ports, address: this.address, shared, ...(this.options.now ? { now: this.options.now } : {}) })
      this.hosts.set(runId, host)
    }
    return host
  }

  private async setRunAlarm(runId: string, at: number | null): Promise<void> {
    this.list.setAlarm(runId, at)
    await this.syncObjectAlarm()
  }

  private userAlarm(): number | null {
    return this.options.ctx.storage.kv.get<number | null>('inngest:entity:user-alarm') ?? null
  }

  /** The earliest of the runs' alarms and yours. */
  private nextWake(): number | null {
    const runs = this.list.nextAlarm()
    const user = this.userAlarm()
    return runs === null ? user : user === null ? runs : Math.min(runs, user)
  }

  /** Keeps the object's one alarm on the earliest of its runs' and yours. */
  private async syncObjectAlarm(): Promise<void> {
    const next = this.nextWake()
    if (next === this.objectAlarmAt) return
    const storage = this.options.ctx.storage
    if (next === null) await storage.deleteAlarm()
    else await storage.setAlarm(next)
    this.objectAlarmAt = next
  }

  /** Deletes runs that finished longer ago than the retention (a batch at a time). */
  private async prune(): Promise<void> {
    const now = this.clock()
    if (now - this.prunedAt < PRUNE_INTERVAL_MS) return
    this.prunedAt = now
    const before = now - (this.options.finishedRunRetentionMs ?? DEFAULT_FINISHED_RUN_RETENTION_MS)
    for (const runId of this.list.prunable(before, PRUNE_BATCH)) {
      this.list.delete(runId)
      this.hosts.delete(runId)
    }
  }
}
