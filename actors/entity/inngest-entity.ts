/**
 * `InngestEntity(binding)`: the base class of a Durable Object of yours that hosts workflow runs,
 * many at once and over time, beside your own state. One line to host:
 *
 * ```ts
 * export class Document extends InngestEntity<Env>('DOCUMENTS') {
 *   // your methods, your tables (this.ctx.storage.sql); `this.runs` lists, inspects and starts runs
 * }
 * ```
 *
 * It answers everything the engine calls on a run's host (a start routed here by a function's
 * `host` option, a matched wait, a cancelling event, a child run's result, a freed slot), with
 * the run named in each call, and owns the object's `alarm`: schedule your own work with
 * `this.runs.scheduleAlarm(at)` and handle it in `onAlarm`, not by overriding `alarm`.
 */
import { DurableObject } from 'cloudflare:workers'
import type { RunEventPayload } from '../engine/executor.js'
import { findFunction } from '../registry.js'
import { runActorPorts, type RunActorEnv } from '../run-actor.js'
import type { InvokeResult } from '../run-effects.js'
import type { RunInspection, RunStatusSummary } from '../run-inspection.js'
import type { StartRunRequest } from '../start-run-request.js'
import { EntityRuns, type EntityRunSummary } from './entity-runs.js'
import { resolveWithContext } from '../engine/resolve-with-context.js'

/** What the engine calls on an entity: each names the run. (`hostedRunStub` adapts to it.) */
export interface EntityRunRpc {
  startRun(request: StartRunRequest): Promise<RunStatusSummary>
  inspectRun(runId: string): RunInspection
  runStatus(runId: string): RunStatusSummary
  cancelRun(runId: string, reason?: string): Promise<RunInspection>
  resolveRunWait(runId: string, stepKey: string, event: RunEventPayload): Promise<string | null>
  resolveRunInvoke(runId: string, stepKey: string, result: InvokeResult): Promise<void>
  admitRun(runId: string): Promise<void>
  listRuns(limit?: number): EntityRunSummary[]
}

/** Options of an entity class beyond its binding. */
export interface InngestEntityOptions {
  /** How long finished runs are kept before they are pruned (ms, default 7 days). */
  readonly finishedRunRetentionMs?: number
}

/**
 * The base class for a Durable Object class bound as `binding` that hosts runs.
 * @param binding the name of its `[[durable_objects.bindings]]` entry in wrangler.toml.
 */
export function InngestEntity<Env extends RunActorEnv = RunActorEnv>(binding: string, options: InngestEntityOptions = {}) {
  if (typeof binding !== 'string' || binding === '') throw new TypeError("InngestEntity(binding): binding must be the wrangler.toml binding name of this class. Fix: class Document extends InngestEntity<Env>('DOCUMENTS') { … }")
  abstract class Entity extends DurableObject<Env> implements EntityRunRpc {
    /** This object's runs: list, inspect, start, and the alarm you share with them. */
    protected runs!: EntityRuns

    constructor(ctx: DurableObjectState, env: Env) {
      super(ctx, env)
      void ctx.blockConcurrencyWhile(async () => {
        const onAlarm = (info?: AlarmInvocationInfo) => this.onAlarm(info)
        const entity = { name: ctx.id.name ?? '', sql: ctx.storage.sql, storage: ctx.storage, env, object: this }
        const resolve = resolveWithContext(findFunction, { platform: { env, ctx }, entity })
        this.runs = new EntityRuns({ ctx, binding, resolve, ports: runActorPorts(env), onAlarm, ...options })
      })
    }

    /** Your alarm, scheduled with `this.runs.scheduleAlarm(at)`. */
    protected onAlarm(_info?: AlarmInvocationInfo): void | Promise<void> {}

    override alarm(info?: AlarmInvocationInfo): Promise<void> {
      return this.runs.alarm(info)
    }

    startRun(request: StartRunRequest): Promise<RunStatusSummary> {
      return this.runs.start(request)
    }

    inspectRun(runId: string): RunInspection {
      return this.runs.inspect(runId)
    }

    runStatus(runId: string): RunStatusSummary {
      return this.runs.status(runId)
    }

    cancelRun(runId: string, reason?: string): Promise<RunInspection> {
      return this.runs.cancel(runId, reason)
    }

    resolveRunWait(runId: string, stepKey: string, event: RunEventPayload): Promise<string | null> {
      return this.runs.resolveWait(runId, stepKey, event)
    }

    resolveRunInvoke(runId: string, stepKey: string, result: InvokeResult): Promise<void> {
      return this.runs.resolveInvoke(runId, stepKey, result)
    }

    admitRun(runId: string): Promise<void> {
      return this.runs.admit(runId)
    }

    listRuns(limit?: number): EntityRunSummary[] {
      return this.runs.runs(limit)
    }
  }
  return Entity
}
