/**
 * The host's one loop, its persisting half: transition → one storage transaction holding the
 * step rows (the caller's `write`), the new snapshot and the effects the machine decided. The
 * host performs the effects after (`act`): persist first, then act (machines/README.md).
 */
import { advanceRun, decideEffects, persistRunSnapshot, type ParentLink, type RunAddress, type RunEffect, type RunEvent, type RunEventPayload, type RunFacts, type RunSnapshot } from '../machines/index.js'
import type { RunnableFunction } from './engine/function-definition.js'
import type { RunStore } from './storage/run-store.js'

/** Applies `event` and persists what follows in one transaction; returns the next snapshot. */
export function commitTransition(store: RunStore, current: RunSnapshot, event: RunEvent, write: ((next: RunSnapshot) => void) | undefined, facts: () => RunFacts): RunSnapshot {
  const next = advanceRun(current, event)
  store.transaction(() => {
    write?.(next)
    if (next === current) return
    store.writeSnapshot(persistRunSnapshot(next))
    // Decided after `write`: a run's end reads what its last transition wrote (the output).
    for (const effect of decideEffects(current, next, event, facts())) recordEffect(store, effect)
  })
  return next
}

/** Appends an effect to perform; a registration also notes its stream, which the run's end forgets. */
function recordEffect(store: RunStore, effect: RunEffect): void {
  if (effect.kind === 'register') {
    const streams = store.readJson<string[]>('streams') ?? []
    if (!streams.includes(effect.registration.event)) store.writeJson('streams', [...streams, effect.registration.event])
  }
  store.appendEffect(effect)
}

interface HostFactsInput {
  readonly fn: RunnableFunction | undefined
  /** The id of the function's onFailure handler, when one is registered. */
  readonly failureHandler: string | undefined
  readonly trigger: RunEventPayload | undefined
  readonly hostedAt: { readonly host?: RunAddress }
  readonly indexed: boolean
  readonly store: RunStore
}

/** What the machine's decisions need beyond the snapshot; what only the run's end needs is read then, in its transaction. */
export function hostFacts({ fn, failureHandler, trigger, hostedAt, indexed, store }: HostFactsInput): RunFacts {
  return {
    trigger,
    ...hostedAt,
    cancelOn: fn?.options.cancelOn ?? [],
    ...(failureHandler ? { failureHandlerId: failureHandler } : {}),
    indexed,
    ended: () => ({
      output: JSON.parse(store.readText('output') ?? 'null'),
      streams: store.readJson<string[]>('streams') ?? [],
      parent: store.readJson<ParentLink>('parent'),
    }),
  }
}
