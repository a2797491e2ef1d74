/**
 * How an app answered one call, read from its status, headers and body (the table of the
 * protocol reference §2.6; server `httpdriver/util.go ShouldRetry`). Pure: the executor decides
 * what each reply records.
 */
import { MalformedResponseError, parseOps, withClassName, type SdkOp } from './sdk-ops.js'

/** The app's answer, classified. */
export type SdkReply =
  /** 200: the function returned `output`. */
  | { readonly kind: 'returned'; readonly output: unknown }
  /** 206: steps found, run or failed. */
  | { readonly kind: 'ops'; readonly ops: readonly SdkOp[]; readonly retryAfter?: string }
  /** An error outside any step (or not an SDK answer at all); `noRetry` says the attempt was the last. */
  | { readonly kind: 'error'; readonly error: ReplyError; readonly noRetry: boolean; readonly retryAfter?: string }

/** An error as the app serialized it. */
export interface ReplyError {
  readonly name: string
  readonly message: string
  readonly stack?: string
}

/** What the executor read of a response. */
export interface RawReply {
  readonly status: number
  readonly headers: { get(name: string): string | null }
  readonly body: string
}

/** Classifies a reply. @throws {MalformedResponseError} for a 2xx that is not the protocol's. */
export function readReply(reply: RawReply): SdkReply {
  const { status, headers, body } = reply
  const retryAfter = headers.get('retry-after') ?? undefined
  const after = retryAfter ? { retryAfter } : {}
  if (status === 201) return readReply(streamed(body))
  if (status >= 200 && status < 300) {
    if (!headers.get('x-inngest-sdk')) {
      throw new MalformedResponseError(`the app answered ${status} without an x-inngest-sdk header: it is not an Inngest SDK (check the URL it synced with)`)
    }
    if (status === 200) return { kind: 'returned', output: parseJson(body, 'a 200 answer', true) }
    if (status === 206) return { kind: 'ops', ops: parseOps(parseJson(body, 'a 206 answer', false)), ...after }
    throw new MalformedResponseError(`the app answered ${status}, which the protocol does not use (expected 200, 206 or an error status)`)
  }
  const noRetryHeader = headers.get('x-inngest-no-retry')
  // As Inngest's executor: the header decides; without it a 4xx is final, except 408 and 429.
  const noRetry = noRetryHeader !== null ? noRetryHeader === 'true' : status >= 400 && status < 500 && status !== 408 && status !== 429
  return { kind: 'error', error: errorOf(status, body), noRetry, ...after }
}

/** A `201` streamed answer: keep-alive spaces, then `{ status, headers, body }`. */
function streamed(text: string): RawReply {
  const final = parseJson(text.trim(), 'a streamed (201) answer', false) as { status?: unknown; headers?: unknown; body?: unknown }
  if (typeof final !== 'object' || final === null || typeof final.status !== 'number') {
    throw new MalformedResponseError('a streamed (201) answer must end with { status, headers, body }')
  }
  const inner = (typeof final.headers === 'object' && final.headers !== null ? final.headers : {}) as Record<string, string>
  const lower = new Map(Object.entries(inner).map(([key, value]) => [key.toLowerCase(), String(value)]))
  // The stream itself came from the SDK; its final frame's headers may leave the marker out.
  if (!lower.has('x-inngest-sdk')) lower.set('x-inngest-sdk', 'streamed')
  const body = typeof final.body === 'string' ? final.body : JSON.stringify(final.body ?? null)
  return { status: final.status, headers: { get: (name) => lower.get(name.toLowerCase()) ?? null }, body }
}

function parseJson(text: string, what: string, emptyIsNull: boolean): unknown {
  if (text.trim() === '' && emptyIsNull) return null
  try {
    return JSON.parse(text)
  } catch {
    throw new MalformedResponseError(`${what} is not JSON (starts ${JSON.stringify(text.slice(0, 60))})`)
  }
}

function errorOf(status: number, body: string): ReplyError {
  let parsed: unknown
  try {
    parsed = JSON.parse(body)
  } catch {
    parsed = undefined
  }
  const value = withClassName(parsed) as { name?: unknown; message?: unknown; stack?: unknown; error?: unknown } | undefined
  if (value && typeof value === 'object') {
    const message = typeof value.message === 'string' ? value.message : typeof value.error === 'string' ? value.error : undefined
    if (message !== undefined) {
      return { name: typeof value.name === 'string' && value.name ? value.name : 'Error', message, ...(typeof value.stack === 'string' ? { stack: value.stack } : {}) }
    }
  }
  const text = body.trim().slice(0, 300)
  return { name: 'Error', message: `the app answered HTTP ${status}${text ? `: ${text}` : ''}` }
}
