/**
 * GitHub: `X-Hub-Signature-256: sha256=<hex>`, HMAC-SHA256 of the body under the webhook's
 * secret (as text). GitHub signs no timestamp, so there is no replay window; the delivery id
 * (`X-GitHub-Delivery`, a GUID kept on redelivery) makes a replayed delivery a duplicate.
 */
import { fromHex, utf8Bytes } from '../bytes.js'
import { anySignatureMatches } from '../hmac.js'
import type { GitHubVerify } from '../webhook-types.js'
import { headerValue, missingHeader, mismatch, type SignatureScheme } from './signature-scheme.js'

const HEADER = 'X-Hub-Signature-256'
const PREFIX = 'sha256='

export const githubScheme: SignatureScheme<GitHubVerify> = {
  keyOf: (secret) => utf8Bytes(secret),
  secretForm: "the webhook's secret, as entered on GitHub",
  async verify({ headers, body }, keys) {
    const header = headers.get(HEADER)
    if (!header) return missingHeader(HEADER, 'GitHub')
    if (!header.startsWith(PREFIX)) return { error: `${HEADER} does not start with "${PREFIX}"`, field: HEADER, fix: 'send the header as GitHub does: sha256=<hex signature>' }
    const candidate = fromHex(header.slice(PREFIX.length))
    return candidate && (await anySignatureMatches('SHA-256', keys, body, [candidate])) ? undefined : mismatch(HEADER)
  },
  deliveryId: (headers) => headerValue(headers, 'X-GitHub-Delivery'),
  recordedHeaders: () => ['X-GitHub-Delivery', 'X-GitHub-Event', 'X-GitHub-Hook-ID'],
}
