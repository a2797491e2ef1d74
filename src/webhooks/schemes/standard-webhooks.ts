/**
 * Standard Webhooks (the spec Svix wrote; Clerk, Resend, Svix senders): `webhook-id`,
 * `webhook-timestamp` and `webhook-signature: v1,<base64> [v1,<base64>…]`, or the same headers
 * named `svix-*`. HMAC-SHA256 over `${id}.${timestamp}.${body}` under the secret's bytes:
 * `whsec_<base64>` decoded (the prefix optional, as the reference libraries take it). Other
 * versions in the list (`v1a`, asymmetric) are skipped. The delivery id is the message id, kept
 * on every retry.
 */
import { concatBytes, fromBase64, utf8Bytes } from '../bytes.js'
import { anySignatureMatches } from '../hmac.js'
import { replayProblem } from '../replay-window.js'
import type { StandardVerify } from '../webhook-types.js'
import { missingHeader, mismatch, stale, type SignatureScheme } from './signature-scheme.js'

const SECRET_PREFIX = 'whsec_'

/** The header names a delivery uses: `webhook-*`, else `svix-*`. */
function headerNames(headers: Headers) {
  const prefix = headers.has('webhook-signature') || !headers.has('svix-signature') ? 'webhook' : 'svix'
  return { id: `${prefix}-id`, timestamp: `${prefix}-timestamp`, signature: `${prefix}-signature` }
}

/** The `v1` signatures of a `webhook-signature` header, base64 as sent. */
export function parseStandardSignatures(header: string): string[] {
  return header
    .split(' ')
    .map((entry) => entry.split(','))
    .filter(([version, signature]) => version === 'v1' && signature !== undefined)
    .map(([, signature]) => signature!)
}

export const standardWebhooksScheme: SignatureScheme<StandardVerify> = {
  keyOf: (secret) => {
    const bytes = fromBase64(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret)
    return bytes && bytes.length > 0 ? bytes : undefined
  },
  secretForm: '"whsec_" followed by base64, as the sender shows it',
  async verify({ headers, body }, keys, verify, nowMs) {
    const names = headerNames(headers)
    const [id, timestamp, signature] = [headers.get(names.id), headers.get(names.timestamp), headers.get(names.signature)]
    if (!signature) return missingHeader(names.signature, 'a Standard Webhooks (Svix) sender')
    if (!id) return missingHeader(names.id, 'a Standard Webhooks (Svix) sender')
    if (!timestamp) return missingHeader(names.timestamp, 'a Standard Webhooks (Svix) sender')
    const candidates = parseStandardSignatures(signature).map(fromBase64).filter((bytes) => bytes !== undefined)
    const signed = concatBytes(utf8Bytes(`${id}.${timestamp}.`), body)
    if (!(await anySignatureMatches('SHA-256', keys, signed, candidates))) return mismatch(names.signature)
    // Checked once the signature holds: "stale" then always means a genuine delivery, replayed or late.
    const tooOld = replayProblem(timestamp, nowMs, verify.toleranceSeconds)
    return tooOld ? stale(names.timestamp, tooOld) : undefined
  },
  deliveryId: (headers) => headers.get(headerNames(headers).id) || undefined,
  recordedHeaders: () => ['webhook-id', 'webhook-timestamp', 'svix-id', 'svix-timestamp'],
}
