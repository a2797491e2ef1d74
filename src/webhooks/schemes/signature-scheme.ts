/**
 * What every signing scheme provides: how its secret becomes an HMAC key, how a delivery's
 * signature is checked, which header or body field is the provider's delivery id, and which
 * headers are safe to keep when a delivery fails. Pure apart from `crypto.subtle`: the clock
 * comes in as `nowMs`, the headers and raw body as values.
 */
import type { WebhookVerify } from '../webhook-types.js'

/** A delivery as the signature sees it: the raw body, before anything parses it. */
export interface SignedDelivery {
  readonly headers: Headers
  readonly body: Uint8Array
}

/** Why a delivery is refused (401): the header at fault and what the sender can do. */
export interface SignatureProblem {
  readonly error: string
  readonly field: string
  readonly fix: string
}

/** One signing scheme, for the verify options `V` it is declared with. */
export interface SignatureScheme<V extends WebhookVerify = WebhookVerify> {
  /** The HMAC key a secret stands for, or `undefined` when the secret is not of the scheme's form. */
  keyOf(secret: string): Uint8Array | undefined
  /** What a secret must look like, for the error when `keyOf` refuses one. */
  readonly secretForm: string
  /** `undefined` when `delivery` is signed with one of `keys` (and inside the replay window). */
  verify(delivery: SignedDelivery, keys: readonly Uint8Array[], verify: V, nowMs: number): Promise<SignatureProblem | undefined>
  /** The provider's id of this delivery, the same on each of its retries, if it sends one. */
  deliveryId(headers: Headers, body: unknown, verify: V): string | undefined
  /** Headers a failure record may keep: ids, event types, timestamps; never the signature. */
  recordedHeaders(verify: V): readonly string[]
}

/** The fix for a signature that does not match. */
export const CHECK_SECRET = "check that the webhook's secret is the signing secret the sender shows for this endpoint, and that nothing on the way re-encodes the body"

/** The problem of a missing header. */
export const missingHeader = (header: string, sender: string): SignatureProblem => ({
  error: `the ${header} header is missing`,
  field: header,
  fix: `send deliveries from ${sender} with their signature; only signed deliveries are accepted`,
})

/** The problem of a signature that matches none of the secrets. */
export const mismatch = (header: string): SignatureProblem => ({ error: 'the signature does not match', field: header, fix: CHECK_SECRET })

/** The problem of a timestamp outside the replay window. */
export const stale = (header: string, reason: string): SignatureProblem => ({
  error: reason,
  field: header,
  fix: 'send a fresh delivery (providers sign each retry anew); if fresh ones fail, check the server clocks',
})

/** A body field that is a non-empty string, from a parsed JSON object. */
export function stringField(body: unknown, field: string): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined
  const value = (body as Record<string, unknown>)[field]
  return typeof value === 'string' && value.length > 0 ? value : undefined
}

/** A header's value, or `undefined` when absent or empty. */
export const headerValue = (headers: Headers, name: string): string | undefined => headers.get(name) || undefined
