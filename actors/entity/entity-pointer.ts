/**
 * A run of a function with the `host` option lives in an entity, yet its id still names its
 * `RunActor` (events, flow gates, cron, invoke and the REST API all address runs by id). That
 * actor keeps one row, the run's address, and forwards: starts, inspection and cancellation go
 * on to the entity. Decided on the first start, from the trigger event and the `host.key`.
 */
import type { RunnableFunction } from '../engine/function-definition.js'
import type { RunStore } from '../storage/run-store.js'
import type { RunAddress } from '../storage/stream-store.js'
import type { StartRunRequest } from '../start-run-request.js'
import { entityAddressFor } from './entity-address.js'

/** Where the run of this actor lives, if in an entity (read once, written on its first start). */
export function storedEntityAddress(store: RunStore): RunAddress | null {
  return store.readJson<RunAddress>('hostedBy')
}

/**
 * For the first start of a run: the entity it goes to (the address is stored), or the start
 * request to record here instead, skipped with the reason (a key naming no object).
 */
export function routeStart(store: RunStore, fn: RunnableFunction | undefined, request: StartRunRequest): { readonly entity: RunAddress } | { readonly here: StartRunRequest } {
  const host = fn?.options.host
  if (!host || request.skip || store.readSnapshot()) return { here: request }
  const routed = entityAddressFor(host, request.events[0])
  if ('problem' in routed) return { here: { ...request, skip: routed.problem } }
  store.writeJson('hostedBy', routed.address)
  return { entity: routed.address }
}
