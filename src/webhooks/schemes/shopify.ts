/**
 * Shopify: `X-Shopify-Hmac-Sha256: <base64>`, HMAC-SHA256 of the body under the app's client
 * secret (as text). No signed timestamp, so no replay window; `X-Shopify-Webhook-Id`, the same on
 * each retry, makes a replay a duplicate.
 */
import { fromBase64, utf8Bytes } from '../bytes.js'
import type { ShopifyVerify } from '../webhook-types.js'
import { bodyHmacProblem, type BodyHmac } from './generic-hmac.js'
import { headerValue, type SignatureScheme } from './signature-scheme.js'

const SIGNATURE: BodyHmac = { header: 'X-Shopify-Hmac-Sha256', sender: 'Shopify', algorithm: 'SHA-256', decode: (signature) => fromBase64(signature.trim()) }

export const shopifyScheme: SignatureScheme<ShopifyVerify> = {
  keyOf: (secret) => utf8Bytes(secret),
  secretForm: "the app's client secret",
  verify: (delivery, keys) => bodyHmacProblem(delivery, keys, SIGNATURE),
  deliveryId: (headers) => headerValue(headers, 'X-Shopify-Webhook-Id'),
  recordedHeaders: () => ['X-Shopify-Webhook-Id', 'X-Shopify-Topic', 'X-Shopify-Shop-Domain', 'X-Shopify-Triggered-At'],
}
