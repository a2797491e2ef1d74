/**
 * The run actor: one Durable Object per function run, addressed by `idFromName(runId)`. A thin
 * shell around `RunHost`; its RPC methods are what the queue consumer, the REST API, event
 * streams and other runs call.
 */
import { DurableObject } from 'cloudflare:workers'
import type { RunEventPayload } from './engine/executor.js'
import type { RunnableFunction, RunPlatform } from './engine/function-definition.js'
import type { EventStreamActor } from './event-stream-actor.js'
import { announceEvents } from './events/announce-events.js'
import { publishEvents, type PublishEnv } from './events/publish-events.js'
import { forgetInShards, registerInShards, settleInShards } from './events/sharded-streams.js'
import { findFunction } from './registry.js'
import { slotStub, type SlotActor } from './slot-actor.js'
import type { InvokeResult, RunPorts } from './run-effects.js'
import { RunHost } from './run-host.js'
import type { RunInspection, RunStatusSummary } from './run-inspection.js'
import type { StartRunRequest } from './start-run-request.js'
import type { RunAddress } from './storage/stream-store.js'

/** Bindings the run actor uses: runs, event streams and the event pipeline. */
export interface RunActorEnv extends PublishEnv {
  readonly INNGEST_RUNS: DurableObjectNamespace<RunActor>
  readonly INNGEST_EVENT_STREAMS: DurableObjectNamespace<EventStreamActor>
  readonly INNGEST_SLOTS: DurableObjectNamespace<SlotActor>
}

/** The run actor's RPC surface as callers see it (results are structured clones). */
export interface RunActorRpc {
  start(request: StartRunRequest): Promise<RunStatusSummary>
  cancel(reason?: string): Promise<RunInspection>
  inspect(): Promise<RunInspection>
  status(): Promise<RunStatusSummary>
  /** @returns the id of the event the wait holds now, or null (timed out). */
  resolveWait(stepKey: string, event: RunEventPayload): Promise<string | null>
  resolveInvoke(stepKey: string, result: InvokeResult): Promise<void>
  admit(): Promise<void>
}

/** The stub of run `runId`'s actor. */
export function runActorStub(namespace: DurableObjectNamespace<RunActor>, runId: string): RunActorRpc {
  // Workers' RPC types map `unknown` fields (outputs, event data) to never; results are plain
  // structured-clone data, which RunActorRpc states directly.
  return namespace.get(namespace.idFromName(runId)) as unknown as RunActorRpc
}

/**
 * What the object hosting a run answers when something resolves or releases the run: a matched
 * wait, a cancelling event, a child run's result, a freed concurrency slot or throttle start
 * (`admit`). `RunActor` has it; so must a Durable Object of yours embedding `RunHost` with an
 * `address` (forward each method to the host).
 */
export type HostedRunRpc = Pick<RunActorRpc, 'resolveWait' | 'cancel' | 'resolveInvoke' | 'admit'>

function isNamespace(binding: unknown): binding is DurableObjectNamespace {
  return typeof (binding as Partial<DurableObjectNamespace> | undefined)?.idFromName === 'function'
}

/**
 * The object hosting run `runId`: the one `host` names (a registration's or parent link's
 * address), else the run's own actor, `INNGEST_RUNS` by run id.
 * @throws TypeError when `env` has no Durable Object binding named `host.binding`.
 */
export function hostedRunStub(env: Pick<RunActorEnv, 'INNGEST_RUNS'>, runId: string, host?: RunAddress): HostedRunRpc {
  if (!host) return runActorStub(env.INNGEST_RUNS, runId)
  const namespace = (env as unknown as Record<string, unknown>)[host.binding]
  if (!isNamespace(namespace)) {
    throw new TypeError(
      `inngest.do: run ${runId} is hosted by object "${host.name}" of the Durable Object binding ${host.binding}, which this worker's env does not have. ` +
        `Fix: bind ${host.binding} to the class embedding RunHost ([[durable_objects.bindings]] in wrangler.toml) in every worker that routes events or runs invoked functions.`,
    )
  }
  return namespace.get(namespace.idFromName(host.name)) as unknown as HostedRunRpc
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
    slots: {
      acquire: (slot, request) => slotStub(env.INNGEST_SLOTS, slot).acquire(request),
      release: (slot, runId) => slotStub(env.INNGEST_SLOTS, slot).release(runId),
      renew: (slot, runId, until) => slotStub(env.INNGEST_SLOTS, slot).renew(runId, until),
      enqueue: (slot, request) => slotStub(env.INNGEST_SLOTS, slot).enqueue(request),
    },
  }
}

/**
 * `findFunction`, each handler handed `platform` (this object's env and state): the SDK gives
 * them to middleware as the arguments a serve handler would have had (`reqArgs`).
 */
function resolveOn(platform: RunPlatform): (functionId: string) => RunnableFunction | undefined {
  const bound = new WeakMap<RunnableFunction, RunnableFunction>()
  return (functionId) => {
    const fn = findFunction(functionId)
    if (!fn) return undefined
    let onPlatform = bound.get(fn)
    if (!onPlatform) bound.set(fn, (onPlatform = { ...fn, handler: (ctx) => fn.handler({ ...ctx, platform }) }))
    return onPlatform
  }
}

export class RunActor extends DurableObject<RunActorEnv> {
  private host!: RunHost

  constructor(ctx: DurableObjectState, env: RunActorEnv) {
    super(ctx, env)
    void ctx.blockConcurrencyWhile(async () => {
      this.host = new RunHost({ ctx, resolve: resolveOn({ env, ctx }), ports: runActorPorts(env) })
    })
  }

  /** Starts the run; idempotent, so a redelivered event starts nothing new. */
  start(request: StartRunRequest): Promise<RunStatusSummary> {
    return this.host.start(request)
  }

  /** The run's status without its steps. */
  status(): RunStatusSummary {
    return this.host.status()
  }

  /** Cancels the run (REST `DELETE /v1/runs/:id`, or a `cancelOn` event). */
  cancel(reason?: string): Promise<RunInspection> {
    return this.host.cancel(reason)
  }

  /** The persisted snapshot, step timeline and output. */
  inspect(): RunInspection {
    return this.host.inspect()
  }

  /** A matching event for a `step.waitForEvent`. */
  resolveWait(stepKey: string, event: RunEventPayload): Promise<string | null> {
    return this.host.resolveWait(stepKey, event)
  }

  /** The result of a child run started by `step.invoke`. */
  resolveInvoke(stepKey: string, result: InvokeResult): Promise<void> {
    return this.host.resolveInvoke(stepKey, result)
  }

  /** A slot actor says a throttle start or concurrency slot freed up for this run. */
  admit(): Promise<void> {
    return this.host.admit()
  }

  override alarm(info?: AlarmInvocationInfo): Promise<void> {
    return this.host.alarm(info)
  }
}
