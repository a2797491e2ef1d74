/**
 * The trust probe of an out-of-band sync in signed mode: before an app's functions are stored,
 * a signed `POST <url>?probe=trust` (the SDK's `trust_probe: "v1"` capability) shows whether the
 * app checks our signature and signs its answer with the same key. An app in dev mode (SDK v3
 * guesses it from its environment) or with another key would otherwise sync fine and fail every
 * run; it is refused at sync instead, naming the fix. An app this worker cannot reach is not
 * refused: its runs report that, and the sync came from it.
 */
import { callApp } from '../../actors/engine/http-executor/app-call.js'
import type { InngestEnv } from '../env.js'

const PROBE_TIMEOUT_MS = 10_000

/** Why the app at `url` cannot be trusted, or undefined (trusted, or not reachable from here). */
export async function trustProblem(env: InngestEnv, url: string, fetcher: typeof fetch): Promise<string | undefined> {
  const signingKey = env.INNGEST_SIGNING_KEY
  if (!signingKey) return undefined
  const probe = new URL(url)
  probe.searchParams.set('probe', 'trust')
  const options = { fetch: fetcher, signingKey, ...(env.INNGEST_SIGNING_KEY_FALLBACK ? { signingKeyFallback: env.INNGEST_SIGNING_KEY_FALLBACK } : {}), timeoutMs: PROBE_TIMEOUT_MS, now: () => Date.now() }
  const reply = await callApp(probe.href, {}, options, new AbortController().signal)
  if (reply.kind !== 'error') return undefined
  switch (reply.error.name) {
    case 'AppUnauthorizedError':
      return `the app at ${url} refused our signed trust probe (401): its INNGEST_SIGNING_KEY differs from this worker's. Fix: give the app the key this worker has`
    case 'UntrustedReplyError':
      return `the app at ${url} did not sign its answer to our trust probe: it runs in dev mode or with another key (${reply.error.message}). Fix: start it with INNGEST_DEV=0 and this worker's INNGEST_SIGNING_KEY (SDK v3 assumes dev mode without NODE_ENV=production)`
    default:
      return undefined
  }
}
