/**
 * GitHub: `X-Hub-Signature-256: sha256=<hex>`, HMAC-SHA256 of the body under the webhook's
 * secret (as text). GitHub signs no timestamp, so there is no replay window; the delivery id
 * (`X-GitHub-Delivery`, a GUID kept on redelivery) makes a replayed delivery a duplicate.
 */
import { fromHex, utf8Bytes } from '../bytes.js'
import type { GitHubVerify } from '../webhook-types.js'
import { bodyHmacProblem, type BodyHmac } from './generic-hmac.js'
import { headerValue, type SignatureScheme } from './signature-scheme.js'

const SIGNATURE: BodyHmac = {
  header: 'X-Hub-Signature-256',
  sender: 'GitHub',
  algorithm: 'SHA-256',
  prefix: { text: 'sha256=', fix: 'send the header as GitHub does: sha256=<hex signature>' },
  decode: fromHex,
}

export const githubScheme: SignatureScheme<GitHubVerify> = {
  keyOf: (secret) => utf8Bytes(secret),
  secretForm: "the webhook's secret, as entered on GitHub",
  verify: (delivery, keys) => bodyHmacProblem(delivery, keys, SIGNATURE),
  deliveryId: (headers) => headerValue(headers, 'X-GitHub-Delivery'),
  recordedHeaders: () => ['X-GitHub-Delivery', 'X-GitHub-Event', 'X-GitHub-Hook-ID'],
}
