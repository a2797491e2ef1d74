/**
 * One HTTP call to an app: the canonical JSON body, signed outside dev mode; a deadline, so a
 * slow app costs an attempt, not the run; the response's signature checked when we signed.
 * Transport failures come back as a reply (an error to retry), never as a throw.
 */
import { canonicalJson } from './canonical-json.js'
import { signatureHeader, signatureProblem } from './request-signature.js'
import { MalformedResponseError } from './sdk-ops.js'
import { readReply, type SdkReply } from './sdk-reply.js'

/** How the executor reaches an app. */
export interface AppCallOptions {
  /** `fetch`, or a stand-in (a test reaching an app served in the same isolate). */
  readonly fetch: typeof fetch
  /** Signs calls and verifies replies; absent in dev mode. */
  readonly signingKey?: string
  /** Also accepted on replies (a key being rotated in). */
  readonly signingKeyFallback?: string
  /** How long one call may take before it counts as a failed attempt. */
  readonly timeoutMs: number
  readonly now: () => number
}

/** Calls `url` with `body`; `signal` aborts it (the run was cancelled). */
export async function callApp(url: string, body: unknown, options: AppCallOptions, signal: AbortSignal): Promise<SdkReply> {
  const text = canonicalJson(body)
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-inngest-server-kind': 'cloud' }
  const stepId = new URL(url).searchParams.get('stepId')
  if (stepId) headers['x-inngest-step-id'] = stepId
  if (options.signingKey) headers['x-inngest-signature'] = await signatureHeader(text, options.signingKey, options.now() / 1000)
  const deadline = new AbortController()
  const timer = setTimeout(() => deadline.abort(), options.timeoutMs)
  const cancel = () => deadline.abort()
  signal.addEventListener('abort', cancel)
  try {
    const response = await options.fetch(url, { method: 'POST', headers, body: text, signal: deadline.signal })
    const replyText = await response.text()
    if (options.signingKey && response.status !== 401) {
      const keys = [options.signingKey, ...(options.signingKeyFallback ? [options.signingKeyFallback] : [])]
      const problem = await signatureProblem(replyText, response.headers.get('x-inngest-signature'), keys, options.now() / 1000)
      if (problem) return failure(`The reply of the app at ${url} is not trusted: ${problem}. Check that the app has the same INNGEST_SIGNING_KEY.`, false, 'UntrustedReplyError')
    }
    if (response.status === 401) {
      return failure(`The app at ${url} refused our signature (401). Fix: give the app and inngest.do the same INNGEST_SIGNING_KEY, or run both in dev mode.`, false, 'AppUnauthorizedError')
    }
    return readReply({ status: response.status, headers: response.headers, body: replyText })
  } catch (error) {
    if (signal.aborted) throw error
    if (error instanceof MalformedResponseError) return failure(error.message, false, error.name)
    if (deadline.signal.aborted) return failure(`The app at ${url} did not answer within ${Math.round(options.timeoutMs / 1000)} s; the attempt failed.`, false, 'AppTimeoutError')
    return failure(`Could not reach the app at ${url}: ${(error as Error).message ?? String(error)}`, false, 'AppUnreachableError')
  } finally {
    clearTimeout(timer)
    signal.removeEventListener('abort', cancel)
  }
}

function failure(message: string, noRetry: boolean, name = 'AppCallError'): SdkReply {
  return { kind: 'error', error: { name, message }, noRetry }
}
