/**
 * Adding an app by URL (the dev server's `inngest dev -u <url>`): a `PUT` asking the SDK for an
 * in-band sync (`x-inngest-sync-kind: in_band`, body `{ url }`, signed outside dev mode), whose
 * reply carries the functions. An SDK that does not sync in band (v3, or
 * `INNGEST_ALLOW_IN_BAND_SYNC=false`) posts to `/fn/register` itself and answers
 * `{ message, modified }`, which is passed on.
 */
import { canonicalJson } from '../../actors/engine/http-executor/canonical-json.js'
import { signatureHeader, signatureProblem } from '../../actors/engine/http-executor/request-signature.js'
import { isDevMode, type InngestEnv } from '../env.js'
import { syncApp, type RegisterBody, type SyncReply } from './sync-app.js'

/** How long the app may take to answer the sync. */
const SYNC_TIMEOUT_MS = 30_000

/** Syncs the app served at `url`. */
export async function addApp(env: InngestEnv, url: string, fetcher: typeof fetch = fetch): Promise<SyncReply & { sync_kind?: string }> {
  const body = canonicalJson({ url })
  const dev = isDevMode(env)
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-inngest-sync-kind': 'in_band', 'x-inngest-server-kind': dev ? 'dev' : 'cloud' }
  if (!dev && env.INNGEST_SIGNING_KEY) headers['x-inngest-signature'] = await signatureHeader(body, env.INNGEST_SIGNING_KEY, Date.now() / 1000)
  let response: Response
  let text: string
  try {
    response = await fetcher(url, { method: 'PUT', headers, body, signal: AbortSignal.timeout(SYNC_TIMEOUT_MS) })
    text = await response.text()
  } catch (error) {
    return { status: 502, ok: false, modified: false, error: `could not reach the app at ${url}: ${(error as Error).message}` }
  }
  const parsed = parseJson(text)
  if (response.ok && response.headers.get('x-inngest-sync-kind') === 'in_band') {
    if (!dev && env.INNGEST_SIGNING_KEY) {
      const keys = [env.INNGEST_SIGNING_KEY, ...(env.INNGEST_SIGNING_KEY_FALLBACK ? [env.INNGEST_SIGNING_KEY_FALLBACK] : [])]
      const problem = await signatureProblem(text, response.headers.get('x-inngest-signature'), keys, Date.now() / 1000)
      if (problem) return { status: 401, ok: false, modified: false, error: `the app's sync reply is not trusted: ${problem}` }
    }
    if (typeof parsed !== 'object' || parsed === null) return { status: 502, ok: false, modified: false, error: `the app at ${url} answered the in-band sync with no JSON body` }
    return { ...(await syncApp(env, parsed as RegisterBody, 'in_band')), sync_kind: 'in_band' }
  }
  // The SDK answers a signature it cannot verify with a bare `{"message":"Unauthorized"}`.
  if (response.status === 401) {
    const why = dev
      ? 'it wants a signature, and this worker runs in dev mode: start the app with INNGEST_DEV=<this worker\'s URL>'
      : 'our signature does not match its key: give the app the INNGEST_SIGNING_KEY this worker has'
    return { status: 401, ok: false, modified: false, error: `the app at ${url} refused our sync request (401): ${why}` }
  }
  const answer = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as { message?: unknown; modified?: unknown }
  const message = typeof answer.message === 'string' ? answer.message : `the app answered HTTP ${response.status}: ${text.slice(0, 200)}`
  return { status: response.ok ? 200 : response.status, ok: response.ok, modified: answer.modified === true, error: message, sync_kind: 'out_of_band' }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
