/**
 * How callers reach a flow gate: one Durable Object per (option, function, key value), named
 * `gate:<kind>:<functionId>:<keyValue>`, and the requests it answers. Keys are CEL over `event`;
 * distinct key values get distinct objects, so only one hot key shares an object's throughput.
 */
import type { SingletonMode } from '../machines/index.js'
import type { RunEventPayload } from './engine/executor.js'
import { flowKeyValue } from './engine/flow-key.js'
import type { FlowGateActor } from './flow-gate-actor.js'
import type { Remote } from './remote.js'
import type { RunActor } from './run-actor.js'
import type { FlowGateKind, PendingStart } from './storage/flow-gate-store.js'
import type { AppRegistryEnv } from './apps/app-registry-actor.js'

export type { FlowGateKind, PendingStart } from './storage/flow-gate-store.js'

/** Bindings the flow gates use: the gates themselves and the runs they start. */
export interface FlowGateEnv extends AppRegistryEnv {
  readonly INNGEST_RUNS: DurableObjectNamespace<RunActor>
  readonly INNGEST_FLOW_GATES: DurableObjectNamespace<FlowGateActor>
}

/** A `rateLimit` or `idempotency` decision for one event. */
export interface AdmitRequest {
  readonly kind: 'rateLimit' | 'idempotency'
  readonly functionId: string
  readonly eventId: string
  readonly limit: number
  readonly periodMs: number
}

/** An event for a `debounce` gate. */
export interface DebounceRequest {
  readonly functionId: string
  readonly event: RunEventPayload
  readonly periodMs: number
  readonly timeoutMs?: number
}

/** An event for a `batchEvents` gate (it passed the batch's `if`). */
export interface BatchRequest {
  readonly functionId: string
  readonly event: RunEventPayload
  readonly maxSize: number
  readonly timeoutMs: number
}

/** A run about to start under `singleton`. */
export interface SingletonRequest {
  readonly functionId: string
  readonly runId: string
  readonly events: readonly RunEventPayload[]
  readonly mode: SingletonMode
}

/** A gate as it stands, for tests and debugging. */
export interface FlowGateInspection {
  readonly kind: FlowGateKind
  readonly functionId: string
  readonly state: unknown
  readonly wakeAt: number | null
  readonly pendingStarts: readonly PendingStart[]
}

/** The flow gate actor's RPC surface as callers see it. */
export type FlowGateRpc = Remote<FlowGateActor, 'admit' | 'admitAll' | 'debounce' | 'debounceAll' | 'batch' | 'batchAll' | 'singleton' | 'inspect'>

/** Key values longer than this are hashed into the object's name. */
const MAX_PLAIN_KEY = 128
const HASHED = 'sha256:'


/** The Durable Object name of a gate; a long key value (or one that looks hashed) is hashed. */
export async function flowGateName(kind: FlowGateKind, functionId: string, keyValue: string): Promise<string> {
  if (keyValue.length <= MAX_PLAIN_KEY && !keyValue.startsWith(HASHED)) return `gate:${kind}:${functionId}:${keyValue}`
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(keyValue)))
  const hex = [...digest].map((byte) => byte.toString(16).padStart(2, '0')).join('')
  return `gate:${kind}:${functionId}:${HASHED}${hex}`
}

/** The stub of the gate named `name` (see `flowGateName`). */
export function flowGateStub(namespace: DurableObjectNamespace<FlowGateActor>, name: string): FlowGateRpc {
  return namespace.get(namespace.idFromName(name))
}

/** The gate of option `kind` for `functionId` whose key (CEL `keySource`, or none) `event` selects. */
export async function flowGateFor(
  namespace: DurableObjectNamespace<FlowGateActor>,
  kind: FlowGateKind,
  functionId: string,
  keySource: string | undefined,
  event: RunEventPayload | undefined,
): Promise<FlowGateRpc> {
  return flowGateStub(namespace, await flowGateNameFor(kind, functionId, keySource, event))
}

/** The name of the gate `flowGateFor` reaches: events with the same name share one object. */
export function flowGateNameFor(kind: FlowGateKind, functionId: string, keySource: string | undefined, event: RunEventPayload | undefined): Promise<string> {
  const field = kind === 'idempotency' ? 'idempotency' : `${kind === 'batch' ? 'batchEvents' : kind}.key`
  return flowGateName(kind, functionId, flowKeyValue(keySource, event, field))
}
