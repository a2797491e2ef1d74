/**
 * The last gate before a run exists: `singleton`. Used by the queue consumer for an event that
 * passed the lossy and deferred gates, and by the debounce and batch gates when they fire.
 */
import type { SingletonVerdict } from '../machines/index.js'
import type { RunEventPayload } from './engine/executor.js'
import { flowGateFor, type FlowGateEnv } from './flow-gate-rpc.js'
import { findFunction } from './registry.js'
import { runActorStub } from './run-actor-stub.js'

/**
 * Starts run `runId` of `functionId` with `events` (the first is its `event`), through the
 * function's singleton gate if it has one (keyed by the first event). Idempotent: the run id is
 * derived by the caller, and the singleton gate remembers its verdict per run id.
 * @returns the singleton verdict (`start` without singleton): `skip` means the run was recorded
 * as skipped, `cancel-then-start` that the key's active run was cancelled for it.
 */
export async function startFlowRun(env: FlowGateEnv, functionId: string, runId: string, events: readonly RunEventPayload[]): Promise<SingletonVerdict['type']> {
  const singleton = findFunction(functionId)?.options.flow?.singleton
  if (!singleton) {
    await runActorStub(env.INNGEST_RUNS, runId).start({ runId, functionId, events })
    return 'start'
  }
  const gate = await flowGateFor(env.INNGEST_FLOW_GATES, 'singleton', functionId, singleton.key, events[0])
  return gate.singleton({ functionId, runId, events, mode: singleton.mode })
}
