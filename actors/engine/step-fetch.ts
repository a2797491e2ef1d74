/**
 * `step.fetch`: a durable fetch. On Inngest the server makes the request and the SDK rebuilds a
 * `Response` from the memoized `{ status_code, headers, body }` (components/Fetch.ts); here the
 * run's own object makes it, inside a step, and the same three fields are memoized.
 */

/** A response as it is memoized: its status, its headers and its body as text. */
export interface MemoizedResponse {
  readonly status: number
  readonly headers: Record<string, string>
  readonly body: string
}

/** The official step name: `step.fetch: <hostname>`. */
export function fetchStepId(input: RequestInfo | URL): string {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
  let hostname: string
  try {
    hostname = new URL(url).hostname
  } catch {
    throw new TypeError(`step.fetch: ${JSON.stringify(url)} is not an absolute URL. Fix: pass a full URL such as "https://api.example.com/items".`)
  }
  return `step.fetch: ${hostname}`
}

/** Makes the request (any `fetch` input) and reads the whole response into its memoized form. */
export async function fetchForMemo(input: RequestInfo | URL, init: RequestInit | undefined, send: typeof fetch = fetch): Promise<MemoizedResponse> {
  const response = await send(input, init)
  const headers: Record<string, string> = {}
  response.headers.forEach((value, key) => (headers[key] = value))
  return { status: response.status, headers, body: await response.text() }
}

const NULL_BODY_STATUSES = new Set([101, 204, 205, 304])

/** The `Response` the handler gets, fresh or replayed: the same on both. */
export function responseFromMemo(memo: MemoizedResponse): Response {
  return new Response(NULL_BODY_STATUSES.has(memo.status) ? null : memo.body, { status: memo.status, headers: memo.headers })
}
