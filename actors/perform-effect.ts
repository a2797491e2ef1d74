/**
 * Performing one recorded effect through the host's ports. Every effect is idempotent, so one
 * performed twice (a crash between performing and deleting it) changes nothing. A failure is
 * thrown to the host, which retries the effect or records it as failed (effect-retry.ts).
 */
import type { RunEventPayload } from './engine/executor.js'
import { CANCELLED } from './cancellation-reasons.js'
import { MissingPortError } from './effect-retry.js'
import type { RunEffect, RunPorts } from './run-effects.js'
import { toStartRequest } from './start-run-request.js'

/** What an effect may do back to its own run: resolve a wait found by lookback, or cancel. */
export interface SelfActions {
  /** @returns the id of the event the wait holds now, or null (it timed out). */
  resolveWait(stepKey: string, event: RunEventPayload): Promise<string | null>
  cancel(reason: string): Promise<unknown>
}

function missing(port: string, effect: RunEffect): never {
  throw new MissingPortError(`inngest.do: this run host has no ports.${port}, needed for its "${effect.kind}" effect. Fix: pass ports.${port} to RunHost (runActorPorts(env) has every port).`)
}

export async function performEffect(effect: RunEffect, runId: string, ports: RunPorts, self: SelfActions): Promise<void> {
  switch (effect.kind) {
    case 'start-run':
      return ports.startRun ? void (await ports.startRun(await toStartRequest(effect))) : missing('startRun', effect)
    case 'register': {
      if (!ports.register) return missing('register', effect)
      const early = await ports.register(effect.registration)
      if (!early) return
      const { kind, stepKey, event } = effect.registration
      if (kind === 'cancel') return void (await self.cancel(CANCELLED.byEvent(early.name, early.id)))
      const took = await self.resolveWait(stepKey, early)
      // A sharded stream may hold other finds (or a live match the run took instead): let go of them.
      return ports.close?.(runId, event, stepKey, took)
    }
    case 'close':
      return ports.close ? ports.close(runId, effect.event, effect.stepKey) : missing('close', effect)
    case 'forget':
      return ports.forget ? ports.forget(runId, effect.events) : missing('forget', effect)
    case 'publish': {
      const announce = ports.announceEvents ?? ports.publishEvents
      return announce ? void (await announce(effect.events)) : missing('announceEvents', effect)
    }
    case 'notify-parent':
      return ports.notifyParent ? ports.notifyParent(effect.parent, effect.result) : missing('notifyParent', effect)
    case 'index':
      // The index is optional: a host without one (an embedding, a worker without a dashboard) lists nothing.
      return ports.indexRun?.(effect.entry)
  }
}
