/**
 * Shopify: `X-Shopify-Hmac-Sha256: <base64>`, HMAC-SHA256 of the body under the app's client
 * secret (as text). No signed timestamp, so no replay window; `X-Shopify-Webhook-Id`, the same on
 * each retry, makes a replay a duplicate.
 */
import { fromBase64, utf8Bytes } from '../bytes.js'
import { anySignatureMatches } from '../hmac.js'
import type { ShopifyVerify } from '../webhook-types.js'
import { headerValue, missingHeader, mismatch, type SignatureScheme } from './signature-scheme.js'

const HEADER = 'X-Shopify-Hmac-Sha256'

export const shopifyScheme: SignatureScheme<ShopifyVerify> = {
  keyOf: (secret) => utf8Bytes(secret),
  secretForm: "the app's client secret",
  async verify({ headers, body }, keys) {
    const header = headers.get(HEADER)
    if (!header) return missingHeader(HEADER, 'Shopify')
    const candidate = fromBase64(header.trim())
    return candidate && (await anySignatureMatches('SHA-256', keys, body, [candidate])) ? undefined : mismatch(HEADER)
  },
  deliveryId: (headers) => headerValue(headers, 'X-Shopify-Webhook-Id'),
  recordedHeaders: () => ['X-Shopify-Webhook-Id', 'X-Shopify-Topic', 'X-Shopify-Shop-Domain', 'X-Shopify-Triggered-At'],
}
