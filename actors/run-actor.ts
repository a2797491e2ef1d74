/**
 * The run actor: one Durable Object per function run, addressed by `idFromName(runId)`. A thin
 * shell around `RunHost`; its RPC methods are what the queue consumer, the REST API, event
 * streams and other runs call.
 */
import { DurableObject } from 'cloudflare:workers'
import type { CheckpointReceipt, CheckpointRequest, RunEventPayload } from './engine/executor.js'
import type { StepRow } from './storage/step-row.js'
import type { RunnableFunction } from './engine/function-definition.js'
import type { EventStreamActor } from './event-stream-actor.js'
import { announceEvents } from './events/announce-events.js'
import { publishEvents, type PublishEnv } from './events/publish-events.js'
import { forgetInShards, registerInShards, settleInShards } from './events/sharded-streams.js'
import { findFunction } from './registry.js'
import type { SlotActor } from './slot-actor.js'
import { slotStub } from './slot-stub.js'
import type { InvokeResult, RunPorts } from './run-effects.js'
import { RunHost } from './run-host.js'
import { resolveWithContext } from './engine/resolve-with-context.js'
import { hostedRunStub, runActorStub } from './run-actor-stub.js'
import type { RunInspection, RunStatusSummary } from './run-inspection.js'
import type { StartRunRequest } from './start-run-request.js'
import { routeStart, storedEntityAddress } from './entity/entity-pointer.js'
import { entityStub } from './entity/entity-stub.js'
import type { RunAddress } from './storage/stream-store.js'
import type { RunIndexEntry } from '../machines/index.js'
import { recordRunInIndex } from './run-index/record-run.js'
import type { RunIndexEnv } from './run-index/run-index-actor.js'
import type { AppRegistryEnv } from './apps/app-registry-actor.js'
import { ensureSyncedFunctions, isRetiredSyncedFunction } from './apps/synced-functions.js'

/** Bindings the run actor uses: runs, event streams and the event pipeline. */
export interface RunActorEnv extends PublishEnv {
  readonly INNGEST_RUNS: DurableObjectNamespace<RunActor>
  readonly INNGEST_EVENT_STREAMS: DurableObjectNamespace<EventStreamActor>
  readonly INNGEST_SLOTS: DurableObjectNamespace<SlotActor>
  /** The run index (the dashboard's list); without it, runs are not indexed. */
  readonly INNGEST_RUN_INDEX?: RunIndexEnv['INNGEST_RUN_INDEX']
  /** Synced apps (the server protocol): their functions run here too. */
  readonly INNGEST_APPS?: AppRegistryEnv['INNGEST_APPS']
}

/** The ports of a run actor: everything beyond its own storage, through its bindings. */
export function runActorPorts(env: RunActorEnv): RunPorts {
  return {
    startRun: (request) => runActorStub(env.INNGEST_RUNS, request.runId).start(request),
    register: (registration) => registerInShards(env, registration),
    close: (runId, event, stepKey, took = null) => settleInShards(env, runId, event, stepKey, took),
    forget: (runId, events) => forgetInShards(env, runId, events),
    publishEvents: (events) => publishEvents(env, [...events]),
    announceEvents: (events) => announceEvents(env, events),
    notifyParent: (parent, result) => hostedRunStub(env, parent.runId, parent.host).resolveInvoke(parent.stepKey, result),
    ...(env.INNGEST_RUN_INDEX ? { indexRun: (entry: RunIndexEntry) => recordRunInIndex({ INNGEST_RUN_INDEX: env.INNGEST_RUN_INDEX! }, entry) } : {}),
    slots: {
      acquire: (slot, request) => slotStub(env.INNGEST_SLOTS, slot).acquire(request),
      release: (slot, runId) => slotStub(env.INNGEST_SLOTS, slot).release(runId),
      renew: (slot, runId, until) => slotStub(env.INNGEST_SLOTS, slot).renew(runId, until),
      enqueue: (slot, request) => slotStub(env.INNGEST_SLOTS, slot).enqueue(request),
    },
  }
}

/** Why no new run of `functionId` can start here (not registered, or dropped by its app's last sync), or undefined. */
function unavailableFunction(functionId: string): string | undefined {
  const registered = findFunction(functionId) // as registered: resolveWithContext hands out a copy
  if (!registered) {
    return `No function "${functionId}" is registered in this worker or synced from an app. Fix: check the id is "<app id>-<function id>", and that the function is passed to serve() or synced.`
  }
  if (isRetiredSyncedFunction(registered)) {
    return `Function "${functionId}" was removed from its app (at its last sync, or with DELETE /v1/apps): it starts no new runs. Fix: sync the app with the function again, or invoke another function.`
  }
  return undefined
}

export class RunActor extends DurableObject<RunActorEnv> {
  private host!: RunHost
  private resolve!: (functionId: string) => RunnableFunction | undefined
  /** The entity the run lives in (functions with the `host` option); null: it lives here. */
  private entity: RunAddress | null = null

  constructor(ctx: DurableObjectState, env: RunActorEnv) {
    super(ctx, env)
    void ctx.blockConcurrencyWhile(async () => {
      // Each handler gets this object's env and state as `platform`: the SDK gives them to
      // middleware as the arguments a serve handler would have had (`reqArgs`).
      this.resolve = resolveWithContext(findFunction, { platform: { env, ctx } })
      this.host = new RunHost({ ctx, resolve: this.resolve, ports: runActorPorts(env) })
      this.entity = storedEntityAddress(this.host.store)
    })
  }

  /** Starts the run, here or in the entity its function's `host` names; idempotent, so a redelivered event starts nothing new. */
  async start(request: StartRunRequest): Promise<RunStatusSummary> {
    // A synced app's function is loaded into this isolate's registry first (no call for the worker's own).
    if (!this.resolve(request.functionId)) await ensureSyncedFunctions(this.env)
    const unavailable = !this.entity && this.host.status().status === 'Unknown' ? unavailableFunction(request.functionId) : undefined
    if (unavailable) {
      // An invoke hears it at once (its step throws), rather than waiting out its timeout.
      if (!request.parent) throw new TypeError(unavailable)
      await hostedRunStub(this.env, request.parent.runId, request.parent.host).resolveInvoke(request.parent.stepKey, { error: { name: 'Error', message: unavailable } })
      return this.host.status()
    }
    if (!this.entity) {
      const route = routeStart(this.host.store, this.resolve(request.functionId), request)
      if ('here' in route) return this.host.start(route.here)
      this.entity = route.entity
    }
    return entityStub(this.env, this.entity).startRun(request)
  }

  /** The run's status without its steps. */
  async status(): Promise<RunStatusSummary> {
    return this.entity ? entityStub(this.env, this.entity).runStatus(this.runId()) : this.host.status()
  }

  /** Cancels the run (REST `DELETE /v1/runs/:id`, or a `cancelOn` event). */
  cancel(reason?: string): Promise<RunInspection> {
    return this.entity ? entityStub(this.env, this.entity).cancelRun(this.runId(), reason) : this.host.cancel(reason)
  }

  /** The persisted snapshot, step timeline and output. */
  async inspect(): Promise<RunInspection> {
    return this.entity ? entityStub(this.env, this.entity).inspectRun(this.runId()) : this.host.inspect()
  }

  /**
   * Steps a synced app's SDK ran during a call of the run's current pass (`POST
   * /v1/checkpoint/:runId/async`). A run in an entity takes none: only synced functions, which
   * never live in one, checkpoint.
   */
  checkpoint(request: CheckpointRequest): CheckpointReceipt {
    return this.entity ? { kind: 'stale' } : this.host.checkpoint(request)
  }

  /** The trigger events and step rows, which the SDK fetches when a call says `use_api`. */
  callState(): { readonly events: RunEventPayload[]; readonly rows: StepRow[] } {
    return this.entity ? { events: [], rows: [] } : this.host.callState()
  }

  /** This actor's run id: its name (`idFromName(runId)`). */
  private runId(): string {
    return this.ctx.id.name ?? ''
  }

  /** A matching event for a `step.waitForEvent`. */
  async resolveWait(stepKey: string, event: RunEventPayload): Promise<string | null> {
    await ensureSyncedFunctions(this.env)
    return this.host.resolveWait(stepKey, event)
  }

  /** The result of a child run started by `step.invoke`. */
  async resolveInvoke(stepKey: string, result: InvokeResult): Promise<void> {
    await ensureSyncedFunctions(this.env)
    return this.host.resolveInvoke(stepKey, result)
  }

  /** A slot actor says a throttle start or concurrency slot freed up for this run. */
  async admit(): Promise<void> {
    await ensureSyncedFunctions(this.env)
    return this.host.admit()
  }

  override async alarm(info?: AlarmInvocationInfo): Promise<void> {
    // After an eviction, a synced function's run resumes only once its function is loaded again.
    await ensureSyncedFunctions(this.env)
    return this.host.alarm(info)
  }
}
