/**
 * The engine's run actor on counted storage, for the rows-written figures (never timed): the
 * same `RunHost` as `RunActor`, embedded the way a user embeds it, on a state whose storage
 * calls are counted.
 */
import { DurableObject } from 'cloudflare:workers'
import { findFunction, RunHost, runActorPorts, type RunActorEnv, type RunInspection, type RunStatusSummary, type StartRunRequest } from '../actors/internal.js'
import { RowCounter, type StorageCounts } from './row-counter.js'

export class CountedRunActor extends DurableObject<RunActorEnv> {
  private host!: RunHost
  private readonly counter = new RowCounter()

  constructor(ctx: DurableObjectState, env: RunActorEnv) {
    super(ctx, env)
    const counted = this.counter.wrapState(ctx)
    void ctx.blockConcurrencyWhile(async () => {
      // The run actor's own ports: its effects (onFailure runs, published events) cost the same.
      this.host = new RunHost({ ctx: counted, resolve: findFunction, ports: runActorPorts(env) })
    })
  }

  start(request: StartRunRequest): Promise<RunStatusSummary> {
    return this.host.start(request)
  }

  inspect(): RunInspection {
    return this.counter.uncounted(() => this.host.inspect())
  }

  status(): RunStatusSummary {
    return this.counter.uncounted(() => this.host.status())
  }

  storageCounts(): StorageCounts {
    return this.counter.counts()
  }

  override alarm(): Promise<void> {
    return this.host.alarm()
  }
}
