/**
 * One delivery to a webhook, in the order that keeps it safe and lossless:
 * 1. refuse an unsigned webhook outside dev mode unless it opted in (403);
 * 2. verify the raw bytes against the secrets from the env (401: nothing is stored);
 * 3. parse (JSON, or a form), transform, validate as the Event API does, give the events ids
 *    from the provider's delivery id;
 * 4. store them durably with `publishEvents` and answer; their runs start right after.
 * A verified delivery that fails in step 3 is stored as an `inngest/webhook.failed` event before
 * the 400/422 goes out, so the payload is kept and visible.
 */
import { ulid } from 'ulid'
import { maxEventBytes, prepareEvents, publishEvents } from '../../actors/internal.js'
import { isDevMode, type InngestEnv } from '../env.js'
import { RouteError } from '../routes/route-error.js'
import { deliveryEventId, failureEventId, withDeliveryIds } from './delivery-id.js'
import { parseWebhookBody } from './parse-webhook-body.js'
import { schemeFor } from './schemes/index.js'
import { transformHeaders } from './transform-headers.js'
import { recordedHeaders, webhookFailedEvent } from './webhook-failure.js'
import { resolveSecrets } from './webhook-secrets.js'
import type { Webhook } from './webhook-types.js'

/** A request to a webhook, read but not parsed. */
export interface IncomingDelivery {
  readonly headers: Headers
  readonly body: Uint8Array
  readonly query: Readonly<Record<string, string>>
}

/** What the sender is answered: the events' ids, or Slack's URL-verification challenge echoed. */
export type DeliveryAnswer = { readonly ids: string[] } | { readonly challenge: string }

/** The most events one delivery may become, as one Event API request. */
export const MAX_EVENTS_PER_DELIVERY = 5_000

/** Why the webhook's secrets cannot verify anything: none set, or one not of the scheme's form. */
function secretProblem(hook: Webhook, secrets: readonly string[], source: string, keys: readonly (Uint8Array | undefined)[]): { error: string; fix: string } | undefined {
  const fromFunction = typeof (hook.verify as { secret?: unknown }).secret === 'function'
  if (secrets.length === 0) {
    return {
      error: `webhook "${hook.id}" has no secret: ${source} ${fromFunction ? 'returned none' : 'is not set'}`,
      fix: `${fromFunction ? 'make it return the signing secret' : `set it (wrangler secret put ${source.split(' ')[0]})`}; the sender retries deliveries refused meanwhile`,
    }
  }
  if (keys.includes(undefined)) return { error: `webhook "${hook.id}": a secret in ${source} is not of the ${hook.verify.scheme} form`, fix: `set ${schemeFor(hook.verify).secretForm}` }
  return undefined
}

/** The HMAC keys of the webhook's secrets; a 500 (the sender retries) when none is usable. */
async function keysOf(env: InngestEnv, hook: Webhook): Promise<Uint8Array[]> {
  if (hook.verify.scheme === 'none') return []
  const { secrets, source } = await resolveSecrets(hook.verify.secret, env as unknown as Record<string, unknown>)
  const keys = secrets.map((secret) => schemeFor(hook.verify).keyOf(secret))
  const problem = secretProblem(hook, secrets, source, keys)
  if (problem) {
    // The operator's to fix: logged, and a 500 so the provider keeps the delivery and retries.
    console.error(`inngest.do: ${problem.error}. Fix: ${problem.fix}.`)
    throw new RouteError(500, problem.error, { fix: problem.fix })
  }
  return keys as Uint8Array[]
}

/** A problem with a verified delivery, and the field to name. */
interface DeliveryProblem {
  readonly status: 400 | 422
  readonly error: string
  readonly field: string
  readonly fix: string
  /** What the sender is told instead of `error`, when that could carry the app's data. */
  readonly publicError?: string
}

/**
 * Stores the failure record, then throws the answer. The record's id derives from the delivery
 * id, so a sender retrying a failing delivery leaves one record, not one per attempt.
 */
async function recordFailure(env: InngestEnv, hook: Webhook, delivery: IncomingDelivery, raw: string, problem: DeliveryProblem, deliveryId: string | undefined, nowMs: number): Promise<never> {
  const baseId = await deliveryEventId(hook.id, deliveryId)
  const id = baseId ? failureEventId(baseId) : ulid(nowMs)
  const record = webhookFailedEvent(
    {
      webhook: hook.id,
      status: problem.status,
      error: problem.error,
      field: problem.field,
      body: raw,
      headers: recordedHeaders(delivery.headers, schemeFor(hook.verify).recordedHeaders(hook.verify)),
      query: { ...delivery.query },
      ...(deliveryId ? { delivery_id: deliveryId } : {}),
    },
    id,
    nowMs,
  )
  // No size limit: the record carries the whole body, which the body limit already bounds.
  await publishEvents(env, [record], { maxBytes: Number.POSITIVE_INFINITY })
  throw new RouteError(problem.status, problem.publicError ?? problem.error, { field: problem.field, fix: `${problem.fix}; the delivery is kept as event ${id} (GET /v1/events?name=inngest/webhook.failed)` })
}

/** The transform's output, or the problem with it. */
async function runTransform(env: InngestEnv, hook: Webhook, body: unknown, delivery: IncomingDelivery, raw: string): Promise<{ output: unknown } | { problem: DeliveryProblem }> {
  try {
    return { output: await hook.transform(body, transformHeaders(delivery.headers), { ...delivery.query }, raw) }
  } catch (error) {
    const name = error instanceof Error ? error.name : typeof error
    const detailed = `the transform threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`
    // The message may quote the payload or the app's state: the record keeps it, the sender
    // hears it only in dev mode, as with a 500.
    const publicError = isDevMode(env) ? detailed : `the transform threw ${name}`
    return { problem: { status: 422, error: detailed, publicError, field: 'transform', fix: `fix webhook "${hook.id}"'s transform for this payload; the sender's retries succeed once it is deployed` } }
  }
}

/**
 * Verifies, transforms and stores one delivery to `hook`, answering the ids of its events.
 * @throws RouteError: 403 unsigned outside dev mode, 401 a bad or stale signature, 400 an
 *   unparsable body, 422 a failing transform, 500 a missing secret
 */
export async function receiveDelivery(env: InngestEnv, hook: Webhook, delivery: IncomingDelivery, nowMs: number): Promise<DeliveryAnswer> {
  const { verify } = hook
  if (verify.scheme === 'none' && !verify.allowUnsigned && !isDevMode(env)) {
    throw new RouteError(403, `webhook "${hook.id}" takes unsigned deliveries in dev mode only`, {
      fix: `declare the sender's signing scheme in verify, or verify: { scheme: 'none', allowUnsigned: true } to accept anyone's deliveries`,
    })
  }
  const scheme = schemeFor(verify)
  const signatureProblem = await scheme.verify(delivery, await keysOf(env, hook), verify, nowMs)
  if (signatureProblem) throw new RouteError(401, signatureProblem.error, { field: signatureProblem.field, fix: signatureProblem.fix })

  const raw = new TextDecoder().decode(delivery.body)
  const parsed = parseWebhookBody(raw, delivery.headers.get('content-type') ?? undefined)
  // From the headers, and from the body when it parsed.
  const deliveryId = scheme.deliveryId(delivery.headers, parsed.ok ? parsed.body : undefined, verify)
  if (!parsed.ok) return recordFailure(env, hook, delivery, raw, { status: 400, field: 'body', error: parsed.error, fix: parsed.fix }, deliveryId, nowMs)
  const { body } = parsed
  const challenge = verify.scheme === 'slack' ? slackChallenge(body) : undefined
  if (challenge !== undefined) return { challenge }

  const transformed = await runTransform(env, hook, body, delivery, raw)
  if ('problem' in transformed) return recordFailure(env, hook, delivery, raw, transformed.problem, deliveryId, nowMs)
  const { output } = transformed
  if (Array.isArray(output) && output.length === 0) return { ids: [] }
  if (Array.isArray(output) && output.length > MAX_EVENTS_PER_DELIVERY) {
    return recordFailure(env, hook, delivery, raw, { status: 422, field: 'transform', error: `the transform returned ${output.length} events; at most ${MAX_EVENTS_PER_DELIVERY}`, fix: 'return fewer events, or one event carrying the list' }, deliveryId, nowMs)
  }
  const prepared = prepareEvents(withDeliveryIds(output, await deliveryEventId(hook.id, deliveryId)), nowMs, undefined, maxEventBytes(env.INNGEST_MAX_EVENT_BYTES))
  if (!prepared.ok) {
    const { index, field, error, fix } = prepared.problem
    const at = `event[${index}]${field ? `.${field}` : ''}`
    return recordFailure(env, hook, delivery, raw, { status: 422, field: 'transform', error: `the transform returned an invalid event: ${at}: ${error}`, fix }, deliveryId, nowMs)
  }
  const { ids } = await publishEvents(env, prepared.events)
  return { ids }
}

/** Slack's one-time URL check (`{ type: 'url_verification', challenge }`), answered with the challenge. */
function slackChallenge(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined
  const { type, challenge } = body as Record<string, unknown>
  return type === 'url_verification' && typeof challenge === 'string' ? challenge : undefined
}
