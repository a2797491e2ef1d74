/**
 * One round of performing a run's recorded effects: those due, in the order recorded, each
 * deleted once done. One that fails is due again after a backoff, or given up and kept as
 * failed (effect-retry.ts). It holds back only the effects that must follow it (same order
 * key), and those are deferred to its due time, so the alarm, set for the earliest due effect,
 * never fires for an effect that cannot go yet.
 */
import type { RunEffect } from './run-effects.js'
import { effectError, effectOrderKeys, effectRetryAt } from './effect-retry.js'
import type { RunStore } from './storage/run-store.js'

export interface EffectDelivery {
  readonly store: RunStore
  readonly now: () => number
  /** Performs one effect; throws if it failed. */
  readonly perform: (effect: RunEffect) => Promise<void>
  /** Told of each failed attempt: retried (`gaveUp` false) or recorded as failed. */
  readonly failed: (effect: RunEffect, error: unknown, gaveUp: boolean) => void
  /** Only these effects, this round (the others are left as they are, for another round). */
  readonly select?: (effect: RunEffect) => boolean
}

/** Performs the effects due at `at`; true if any were pending. */
export async function deliverDueEffects({ store, now, perform, failed, select }: EffectDelivery, at: number): Promise<boolean> {
  const effects = store.readEffects<RunEffect>().filter(({ effect }) => select?.(effect) ?? true)
  // Order keys of the effects not performed this round, and when the one ahead is due.
  const heldUntil = new Map<string, number>()
  const holdBack = (keys: readonly string[], until: number) => keys.forEach((key) => heldUntil.set(key, Math.max(until, heldUntil.get(key) ?? 0)))
  for (const { seq, effect, dueAt } of effects) {
    const keys = effectOrderKeys(effect)
    const ahead = keys.filter((key) => heldUntil.has(key)).map((key) => heldUntil.get(key)!)
    if (ahead.length > 0 || dueAt > at) {
      const until = Math.max(dueAt, ...ahead)
      if (until > dueAt) store.deferEffect(seq, until)
      holdBack(keys, until)
      continue
    }
    try {
      await perform(effect)
      store.deleteEffect(seq)
    } catch (error) {
      const failedAt = now()
      const result = store.effectAttemptFailed(seq, effectError(error), failedAt, (attempts) => effectRetryAt(attempts, error, failedAt))
      if (result.state === 'gone') continue // performed meanwhile by a concurrent round
      if (result.state === 'retrying') holdBack(keys, result.dueAt)
      failed(effect, error, result.state === 'failed')
    }
  }
  return effects.length > 0
}
