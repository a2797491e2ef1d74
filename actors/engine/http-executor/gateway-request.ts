/**
 * `step.fetch` over HTTP: the `Gateway` op (inngest-js `InngestStepTools.ts` `gatewaySymbol`,
 * `opts: { url, method, headers, body }`) is a request the run's object makes for the function,
 * as Inngest's executor does (`executor.go handleGeneratorGateway`):
 * - any answer, whatever its status, is the step's data: `{ url, status_code, headers, body }`
 *   (the body as text), from which the SDK builds the `Response` `step.fetch` returns;
 * - no answer (DNS, connection, timeout) fails the attempt: the run is retried while it has
 *   attempts left; on its last, the step fails with a `GatewayError` the SDK throws as a StepError.
 *
 * The pass makes the request once the replies of its current calls are recorded, then records
 * the step and discovers again (http-executor.ts).
 */
import type { SerializedError } from '../../../machines/index.js'
import { jsonByteLength, jsonOverLimit } from '../jsonify.js'
import { buildInferRequest } from '../ai-step.js'
import { fetchForMemo } from '../step-fetch.js'
import { MalformedResponseError, stepIdOf, type SdkOp } from './sdk-ops.js'

/** The request a `Gateway` op asks for. */
export interface GatewayRequest {
  readonly url: string
  readonly method: string
  readonly headers: Readonly<Record<string, string>>
  readonly body?: string
}

/** A `Gateway` op's step data, as the SDK reads it (Go `gateway.Response`). */
export interface GatewayResponse {
  readonly url: string
  readonly status_code: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

/** Reads a `Gateway` op. @throws {MalformedResponseError} naming the step and the fix */
export function gatewayRequestOf(op: SdkOp): GatewayRequest {
  const step = `step "${stepIdOf(op)}" (Gateway, step.fetch)`
  const { url, method, headers, body } = op.opts ?? {}
  if (typeof url !== 'string' || !URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
    throw new MalformedResponseError(`${step} has no http(s) opts.url (got ${JSON.stringify(url)})`)
  }
  if (body !== undefined && body !== null && typeof body !== 'string') {
    throw new MalformedResponseError(`${step}: the request body must be a string (got ${typeof body}). Fix: pass body: JSON.stringify(value), or text.`)
  }
  const headerMap: Record<string, string> = {}
  if (typeof headers === 'object' && headers !== null) for (const [name, value] of Object.entries(headers)) if (typeof value === 'string') headerMap[name] = value
  return {
    url,
    // As Inngest: a request without a method is a POST (the SDK always names one, "GET" by default).
    method: typeof method === 'string' && method !== '' ? method.toUpperCase() : 'POST',
    headers: headerMap,
    ...(typeof body === 'string' && body !== '' ? { body } : {}),
  }
}

/**
 * `step.ai.infer` over HTTP: the `AIGateway` op (`opts: { url, headers, auth_key, format, body }`,
 * the model's `onCall` already applied by the SDK) is the same request `step.ai.infer` makes
 * in-process (ai-step.ts): a POST of the body with the format's auth header. Its answer is the
 * provider's JSON, and a non-2xx answer fails the attempt, as a model call that threw would.
 * @throws {MalformedResponseError} naming the step and the fix
 */
export function aiGatewayRequestOf(op: SdkOp): GatewayRequest {
  const step = `step "${stepIdOf(op)}" (AIGateway, step.ai.infer)`
  const { url, headers, auth_key: authKey, format, body } = op.opts ?? {}
  if (typeof url !== 'string' || !URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
    throw new MalformedResponseError(`${step} has no http(s) model url (got ${JSON.stringify(url)}). Fix: pass a model helper's result, such as openai({ model }) from @inngest/ai`)
  }
  const given: Record<string, string> = {}
  if (typeof headers === 'object' && headers !== null) for (const [name, value] of Object.entries(headers)) if (typeof value === 'string') given[name] = value
  const model = { url, headers: given, ...(typeof format === 'string' ? { format } : {}), ...(typeof authKey === 'string' && authKey !== '' ? { authKey } : {}) }
  try {
    return { method: 'POST', ...buildInferRequest(model, body as Record<string, unknown>, stepIdOf(op)) }
  } catch (error) {
    throw error instanceof TypeError ? new MalformedResponseError(error.message) : error
  }
}

/** A `Gateway` or `AIGateway` op to perform for step `stepId`, and what bounds it. */
export interface GatewayCall {
  readonly stepId: string
  /** `step.fetch` (any answer is the step's data) or `step.ai.infer` (the model's JSON, or a failed attempt). */
  readonly kind: 'fetch' | 'ai'
  readonly request: GatewayRequest
  /** The run's last attempt: a request that gets no answer fails the step, not the attempt. */
  readonly lastAttempt: boolean
  readonly maxStepOutputBytes: number
  readonly timeoutMs: number
}

/** How a gateway request ended: the step's data, its error, or an attempt to retry. */
export type GatewayOutcome =
  | { readonly kind: 'completed'; readonly output: string }
  | { readonly kind: 'failed'; readonly error: SerializedError }
  | { readonly kind: 'retry'; readonly error: Error }

/** Makes the request of `due`; `signal` aborts it (the run was cancelled: the rejection passes on). */
export async function performGateway(due: GatewayCall, fetcher: typeof fetch, signal: AbortSignal): Promise<GatewayOutcome> {
  const { request } = due
  const deadline = AbortSignal.any([signal, AbortSignal.timeout(due.timeoutMs)])
  let answer: GatewayResponse
  try {
    const { status, headers, body } = await fetchForMemo(request.url, { method: request.method, headers: request.headers, ...(request.body === undefined ? {} : { body: request.body }), signal: deadline }, fetcher)
    answer = { url: request.url, status_code: status, headers, body }
  } catch (error) {
    if (signal.aborted) throw error
    const reason = deadline.aborted ? `no answer within ${Math.round(due.timeoutMs / 1000)} s` : ((error as Error).message ?? String(error))
    return attemptFailed(due, `Error making gateway request: ${request.method} ${request.url}: ${reason}`)
  }
  if (due.kind === 'ai' && (answer.status_code < 200 || answer.status_code >= 300)) {
    return attemptFailed(due, `step "${due.stepId}": the model answered ${answer.status_code}: ${answer.body.slice(0, 500)}`)
  }
  if (due.kind === 'ai' && !isJson(answer.body)) return attemptFailed(due, `step "${due.stepId}": the model's answer is not JSON: ${answer.body.slice(0, 200)}`)
  const output = due.kind === 'ai' ? answer.body : JSON.stringify(answer)
  if (jsonOverLimit(output, due.maxStepOutputBytes)) {
    return { kind: 'failed', error: { name: 'RunLimitError', message: `Step "${due.stepId}" (${due.kind === 'ai' ? 'step.ai.infer' : 'step.fetch'}) got ${jsonByteLength(output)} bytes of response, over the ${due.maxStepOutputBytes}-byte step output limit.` } }
  }
  return { kind: 'completed', output }
}

/** A failed attempt: retried while the run has attempts left; on its last, the step fails (the SDK throws it as a StepError). */
function attemptFailed(due: GatewayCall, message: string): GatewayOutcome {
  const failure = { name: 'GatewayError', message }
  return due.lastAttempt ? { kind: 'failed', error: failure } : { kind: 'retry', error: Object.assign(new Error(message), { name: failure.name }) }
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}
