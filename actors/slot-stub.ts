/**
 * How runs reach a slot actor (a concurrency or throttle key). Imports only types of the actor,
 * so the run actor and the slot actor do not import each other.
 */
import type { Remote } from './remote.js'
import type { SlotActor } from './slot-actor.js'

/** The slot actor's RPC surface as callers see it. */
export type SlotActorRpc = Remote<SlotActor, 'acquire' | 'release' | 'renew' | 'enqueue'>

/** The slot actor of `name` (`slot:concurrency:<scope>:<key>` or `slot:throttle:<fn>:<key>`). */
export function slotStub(namespace: DurableObjectNamespace<SlotActor>, name: string): SlotActorRpc {
  return namespace.get(namespace.idFromName(name))
}
