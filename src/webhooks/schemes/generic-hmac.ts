/**
 * Any sender that puts an HMAC of the body in one header: the header, hash (SHA-256, SHA-1,
 * SHA-512), encoding (hex in either case, or base64) and a prefix such as `sha256=` are the
 * webhook's to declare. The secret is used as text. No timestamp, so no replay window; a
 * `deliveryIdHeader` makes a replay a duplicate.
 */
import { fromBase64, fromHex, utf8Bytes } from '../bytes.js'
import { anySignatureMatches } from '../hmac.js'
import type { HmacVerify } from '../webhook-types.js'
import { headerValue, missingHeader, mismatch, type SignatureScheme } from './signature-scheme.js'

export const genericHmacScheme: SignatureScheme<HmacVerify> = {
  keyOf: (secret) => utf8Bytes(secret),
  secretForm: 'the shared secret, as text',
  async verify({ headers, body }, keys, verify) {
    const { header, prefix = '', encoding = 'hex', algorithm = 'SHA-256' } = verify
    const value = headers.get(header)
    if (!value) return missingHeader(header, 'the sender')
    if (!value.startsWith(prefix)) return { error: `${header} does not start with "${prefix}"`, field: header, fix: `send the header as ${prefix}<${encoding} signature>` }
    const signature = value.slice(prefix.length).trim()
    const candidate = encoding === 'hex' ? fromHex(signature) : fromBase64(signature)
    return candidate && (await anySignatureMatches(algorithm, keys, body, [candidate])) ? undefined : mismatch(header)
  },
  deliveryId: (headers, _body, verify) => (verify.deliveryIdHeader ? headerValue(headers, verify.deliveryIdHeader) : undefined),
  recordedHeaders: (verify) => (verify.deliveryIdHeader ? [verify.deliveryIdHeader] : []),
}
