/**
 * How callers reach an event stream (event-stream-actor.ts): one object per event name, or per
 * shard of it. Imports only types of the actor, so the event pipeline does not import its module.
 */
import type { EventStreamActor } from './event-stream-actor.js'
import { streamObjectName } from './events/stream-shards.js'
import type { Remote } from './remote.js'

/** The stream actor's RPC surface as callers see it. */
export type EventStreamRpc = Remote<EventStreamActor, 'ingest' | 'ingestAll' | 'register' | 'registerFinding' | 'close' | 'forget'>

/** The stream actor of event `name`, or of one of its shards (events/stream-shards.ts). */
export function eventStreamStub(namespace: DurableObjectNamespace<EventStreamActor>, name: string, shard = 0): EventStreamRpc {
  return namespace.get(namespace.idFromName(streamObjectName(name, shard)))
}
