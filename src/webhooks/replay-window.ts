/**
 * The replay window of the schemes whose provider signs a timestamp: a captured delivery
 * replayed later carries a valid signature, so only the signed time tells it apart.
 */

/** The window unless a webhook sets `toleranceSeconds`: 5 minutes, as Stripe, Slack and Svix use. */
export const DEFAULT_TOLERANCE_SECONDS = 300

/**
 * Why a signed timestamp (Unix seconds, as the header carries it) is outside the window around
 * `nowMs`, either way, or `undefined` when it is inside. Checking the future too refuses a
 * delivery signed ahead of time to outlive the window.
 */
export function replayProblem(timestamp: string, nowMs: number, toleranceSeconds = DEFAULT_TOLERANCE_SECONDS): string | undefined {
  if (!/^\d{1,15}$/.test(timestamp)) return `the timestamp "${timestamp.slice(0, 40)}" is not Unix seconds`
  const skew = Math.round(nowMs / 1000 - Number(timestamp))
  if (skew > toleranceSeconds) return `the signed timestamp is ${skew} s old; at most ${toleranceSeconds} s are accepted (a replayed delivery is refused)`
  if (-skew > toleranceSeconds) return `the signed timestamp is ${-skew} s in the future; at most ${toleranceSeconds} s are accepted`
  return undefined
}
