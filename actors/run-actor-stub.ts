/**
 * How other objects reach a run: its own `RunActor` by run id, or the object of yours hosting it
 * (`RunHost` with an `address`). Imports only types of the actor, so the actors and event
 * pipeline that call runs do not import the run actor's module.
 */
import { boundNamespace } from './bound-namespace.js'
import { entityRunStub } from './entity/entity-stub.js'
import type { Remote } from './remote.js'
import type { RunActor } from './run-actor.js'
import type { RunAddress } from './storage/stream-store.js'

/** The run actor's RPC surface as callers see it (results are structured clones). */
export type RunActorRpc = Remote<RunActor, 'start' | 'cancel' | 'inspect' | 'status' | 'resolveWait' | 'resolveInvoke' | 'admit' | 'checkpoint' | 'callState'>

/**
 * What the object hosting a run answers when something resolves or releases the run: a matched
 * wait, a cancelling event, a child run's result, a freed concurrency slot or throttle start
 * (`admit`). `RunActor` has it; so must a Durable Object of yours embedding `RunHost` with an
 * `address` (forward each method to the host).
 */
export type HostedRunRpc = Pick<RunActorRpc, 'resolveWait' | 'cancel' | 'resolveInvoke' | 'admit'>

/** The stub of run `runId`'s actor. */
export function runActorStub(namespace: DurableObjectNamespace<RunActor>, runId: string): RunActorRpc {
  return namespace.get(namespace.idFromName(runId))
}

/**
 * The object hosting run `runId`: the one `host` names (a registration's or parent link's
 * address), else the run's own actor, `INNGEST_RUNS` by run id.
 * @throws TypeError when `env` has no Durable Object binding named `host.binding`.
 */
export function hostedRunStub(env: { readonly INNGEST_RUNS: DurableObjectNamespace<RunActor> }, runId: string, host?: RunAddress): HostedRunRpc {
  if (!host) return runActorStub(env.INNGEST_RUNS, runId)
  if (host.entity) return entityRunStub(env, runId, host)
  // The class behind the binding embeds RunHost: it answers as `RunActor` does (`HostedRunRpc`).
  const namespace = boundNamespace<RunActor>(
    env,
    host.binding,
    () =>
      `inngest.do: run ${runId} is hosted by object "${host.name}" of the Durable Object binding ${host.binding}, which this worker's env does not have. ` +
      `Fix: bind ${host.binding} to the class embedding RunHost ([[durable_objects.bindings]] in wrangler.toml) in every worker that routes events or runs invoked functions.`,
  )
  return namespace.get(namespace.idFromName(host.name))
}
