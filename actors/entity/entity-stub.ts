/**
 * How other objects reach a run living in an entity: the entity's stub, and the four calls the
 * engine makes on a run's host adapted to name the run (`HostedRunRpc`), since one entity hosts
 * many runs. Imports only types, so the event pipeline does not load the entity's module.
 */
import { boundNamespace } from '../bound-namespace.js'
import type { Remote } from '../remote.js'
import type { HostedRunRpc } from '../run-actor-stub.js'
import type { RunAddress } from '../storage/stream-store.js'
import type { EntityRunRpc, InngestEntity } from './inngest-entity.js'

export type EntityRunRemote = Remote<EntityRunRpc, keyof EntityRunRpc>
/** An object of an `InngestEntity` class, whatever its binding. */
type EntityObject = InstanceType<ReturnType<typeof InngestEntity>>

/**
 * The entity at `address`.
 * @throws TypeError naming the binding when `env` lacks it.
 */
export function entityStub(env: object, address: RunAddress): EntityRunRemote {
  const namespace = boundNamespace<EntityObject>(
    env,
    address.binding,
    () =>
      `inngest.do: runs live in the ${address.binding} entity "${address.name}", and this worker's env has no Durable Object binding ${address.binding}. ` +
      `Fix: bind ${address.binding} to your InngestEntity class ([[durable_objects.bindings]] in wrangler.toml) in every worker that routes events or runs functions.`,
  )
  return namespace.get(namespace.idFromName(address.name))
}

/** Run `runId` in the entity at `address`, answering as a run's host does. */
export function entityRunStub(env: object, runId: string, address: RunAddress): HostedRunRpc {
  const entity = entityStub(env, address)
  return {
    resolveWait: (stepKey, event) => entity.resolveRunWait(runId, stepKey, event),
    cancel: (reason) => entity.cancelRun(runId, reason),
    resolveInvoke: (stepKey, result) => entity.resolveRunInvoke(runId, stepKey, result),
    admit: () => entity.admitRun(runId),
  }
}
