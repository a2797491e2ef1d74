/**
 * Stripe: `Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>…]`, HMAC-SHA256 under the
 * endpoint's `whsec_…` secret (as text) over `${t}.${body}`. Several `v1` appear while Stripe
 * rolls the endpoint's secret; `v0` (test-mode legacy) is ignored, as Stripe's libraries do. The
 * delivery id is the event's `id` (`evt_…`), the same on every retry.
 */
import { concatBytes, fromHex, utf8Bytes } from '../bytes.js'
import { anySignatureMatches } from '../hmac.js'
import { replayProblem } from '../replay-window.js'
import type { StripeVerify } from '../webhook-types.js'
import { missingHeader, mismatch, stale, stringField, type SignatureScheme } from './signature-scheme.js'

const HEADER = 'Stripe-Signature'

/** The parts of a `Stripe-Signature` header: its timestamp and every `v1` signature. */
export function parseStripeSignature(header: string): { timestamp: string | undefined; signatures: string[] } {
  let timestamp: string | undefined
  const signatures: string[] = []
  for (const item of header.split(',')) {
    const at = item.indexOf('=')
    if (at < 0) continue
    const key = item.slice(0, at).trim()
    const value = item.slice(at + 1).trim()
    if (key === 't') timestamp = value
    else if (key === 'v1') signatures.push(value)
  }
  return { timestamp, signatures }
}

export const stripeScheme: SignatureScheme<StripeVerify> = {
  keyOf: (secret) => utf8Bytes(secret),
  secretForm: 'the endpoint signing secret, "whsec_…"',
  async verify({ headers, body }, keys, verify, nowMs) {
    const header = headers.get(HEADER)
    if (!header) return missingHeader(HEADER, 'Stripe')
    const { timestamp, signatures } = parseStripeSignature(header)
    if (timestamp === undefined || signatures.length === 0) {
      return { error: `${HEADER} has no ${timestamp === undefined ? 't=' : 'v1='} part`, field: HEADER, fix: 'send the header as Stripe does: t=<unix seconds>,v1=<hex signature>' }
    }
    const candidates = signatures.map(fromHex).filter((bytes) => bytes !== undefined)
    const signed = concatBytes(utf8Bytes(`${timestamp}.`), body)
    if (!(await anySignatureMatches('SHA-256', keys, signed, candidates))) return mismatch(HEADER)
    // Checked once the signature holds: "stale" then always means a genuine delivery, replayed or late.
    const tooOld = replayProblem(timestamp, nowMs, verify.toleranceSeconds)
    return tooOld ? stale(HEADER, tooOld) : undefined
  },
  deliveryId: (_headers, body) => stringField(body, 'id'),
  recordedHeaders: () => ['Stripe-Account'],
}
