/**
 * Any sender that puts an HMAC of the body in one header: the header, hash (SHA-256, SHA-1,
 * SHA-512), encoding (hex in either case, or base64) and a prefix such as `sha256=` are the
 * webhook's to declare. The secret is used as text. No timestamp, so no replay window; a
 * `deliveryIdHeader` makes a replay a duplicate.
 */
import { fromBase64, fromHex, utf8Bytes } from '../bytes.js'
import { anySignatureMatches, type HmacAlgorithm } from '../hmac.js'
import type { HmacVerify } from '../webhook-types.js'
import { headerValue, missingHeader, mismatch, type SignatureProblem, type SignatureScheme, type SignedDelivery } from './signature-scheme.js'

/** Where a sender puts an HMAC of the body, and how to read it. */
export interface BodyHmac {
  readonly header: string
  /** Who sends it, for the missing-header error. */
  readonly sender: string
  readonly algorithm: HmacAlgorithm
  /** Text before the signature (`sha256=`), and the fix when it is not there. */
  readonly prefix?: { readonly text: string; readonly fix: string }
  /** The signature's bytes from the text after the prefix; undefined when it is not well formed. */
  readonly decode: (signature: string) => Uint8Array | undefined
}

/** Why a delivery's body HMAC does not check out under any of `keys`, or undefined when it does. */
export async function bodyHmacProblem({ headers, body }: SignedDelivery, keys: readonly Uint8Array[], spec: BodyHmac): Promise<SignatureProblem | undefined> {
  const { header, prefix } = spec
  const value = headers.get(header)
  if (!value) return missingHeader(header, spec.sender)
  if (prefix && !value.startsWith(prefix.text)) return { error: `${header} does not start with "${prefix.text}"`, field: header, fix: prefix.fix }
  const candidate = spec.decode(value.slice(prefix?.text.length ?? 0))
  return candidate && (await anySignatureMatches(spec.algorithm, keys, body, [candidate])) ? undefined : mismatch(header)
}

export const genericHmacScheme: SignatureScheme<HmacVerify> = {
  keyOf: (secret) => utf8Bytes(secret),
  secretForm: 'the shared secret, as text',
  verify(delivery, keys, verify) {
    const { header, prefix = '', encoding = 'hex', algorithm = 'SHA-256' } = verify
    const decode = (signature: string) => (encoding === 'hex' ? fromHex(signature.trim()) : fromBase64(signature.trim()))
    return bodyHmacProblem(delivery, keys, { header, sender: 'the sender', algorithm, prefix: { text: prefix, fix: `send the header as ${prefix}<${encoding} signature>` }, decode })
  },
  deliveryId: (headers, _body, verify) => (verify.deliveryIdHeader ? headerValue(headers, verify.deliveryIdHeader) : undefined),
  recordedHeaders: (verify) => (verify.deliveryIdHeader ? [verify.deliveryIdHeader] : []),
}
