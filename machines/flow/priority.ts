/**
 * Run priority (`priority: { run: expr }`): the evaluated expression is a number of seconds; a run
 * with priority +N is ordered as if it had been enqueued N seconds earlier, −N as if N seconds later.
 */

/** The default bound on |priority|, in seconds (Inngest's documented ±600). */
export const DEFAULT_MAX_PRIORITY_SECONDS = 600

/**
 * The evaluated priority as whole seconds within ±`maxSeconds`. Anything that is not a finite
 * number (a missing field, `NaN`, a string) counts as 0; fractions are truncated toward zero.
 */
export function clampPriority(seconds: unknown, maxSeconds: number = DEFAULT_MAX_PRIORITY_SECONDS): number {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) return 0
  const bound = Math.max(0, Math.trunc(maxSeconds))
  // `+ 0` turns a truncated -0 into 0, so the value survives a JSON round trip unchanged.
  return Math.min(bound, Math.max(-bound, Math.trunc(seconds))) + 0
}

/**
 * The time a queue orders an item by (epoch ms): `enqueuedAt − clamp(priority) × 1000`. Smaller
 * is served first; ties are broken by arrival order.
 */
export function priorityOrderAt(enqueuedAt: number, prioritySeconds: unknown, maxSeconds: number = DEFAULT_MAX_PRIORITY_SECONDS): number {
  return enqueuedAt - clampPriority(prioritySeconds, maxSeconds) * 1000
}
