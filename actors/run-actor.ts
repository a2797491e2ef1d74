/**
 * The run actor: one Durable Object per function run, addressed by `idFromName(runId)`. A thin
 * shell around `RunHost`; its RPC methods are what the queue consumer and the REST API call.
 */
import { DurableObject } from 'cloudflare:workers'
import { findFunction } from './registry.js'
import { RunHost } from './run-host.js'
import type { RunInspection } from './run-inspection.js'
import type { StartRunRequest } from './start-run-request.js'

/** Bindings the run actor needs: its own namespace, to start onFailure runs. */
export interface RunActorEnv {
  readonly INNGEST_RUNS: DurableObjectNamespace<RunActor>
}

/** The run actor's RPC surface as callers see it (results are structured clones). */
export interface RunActorRpc {
  start(request: StartRunRequest): Promise<RunInspection>
  cancel(reason?: string): Promise<RunInspection>
  inspect(): Promise<RunInspection>
}

/** The stub of run `runId`'s actor. */
export function runActorStub(namespace: DurableObjectNamespace<RunActor>, runId: string): RunActorRpc {
  // Workers' RPC types map `unknown` fields (outputs, event data) to never; results are plain
  // structured-clone data, which RunActorRpc states directly.
  return namespace.get(namespace.idFromName(runId)) as unknown as RunActorRpc
}

export class RunActor extends DurableObject<RunActorEnv> {
  private host!: RunHost

  constructor(ctx: DurableObjectState, env: RunActorEnv) {
    super(ctx, env)
    void ctx.blockConcurrencyWhile(async () => {
      this.host = new RunHost({
        ctx,
        resolve: findFunction,
        startRun: (request) => runActorStub(env.INNGEST_RUNS, request.runId).start(request),
      })
    })
  }

  /** Starts the run; idempotent, so a redelivered event starts nothing new. */
  start(request: StartRunRequest): Promise<RunInspection> {
    return this.host.start(request)
  }

  /** Cancels the run (REST `DELETE /v1/runs/:id`). */
  cancel(reason?: string): Promise<RunInspection> {
    return this.host.cancel(reason)
  }

  /** The persisted snapshot, step timeline and output. */
  inspect(): RunInspection {
    return this.host.inspect()
  }

  override alarm(): Promise<void> {
    return this.host.alarm()
  }
}
