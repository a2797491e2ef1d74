/**
 * `webhook()`: declaring a webhook in code. The declaration is checked at once, so a mistake is a
 * `TypeError` at deploy (naming the field and the fix), never a delivery refused in production.
 */
import { isSchemeName, SCHEME_NAMES } from './schemes/index.js'
import type { Webhook, WebhookOptions, WebhookVerify } from './webhook-types.js'

/** A webhook id: what may stand in its path, `/webhooks/<id>`. */
const WEBHOOK_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/
/** An env var or binding name. */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/
/** An HTTP header name (RFC 9110 token). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
const TIMESTAMPED = new Set(['stripe', 'slack', 'standard', 'svix'])
const ALGORITHMS = ['SHA-256', 'SHA-1', 'SHA-512']
const ENCODINGS = ['hex', 'base64']

const declared = new WeakSet<object>()

/** Whether `value` came from `webhook()`. */
export const isWebhook = (value: unknown): value is Webhook => typeof value === 'object' && value !== null && declared.has(value)

function fail(id: unknown, problem: string, fix: string): never {
  const who = typeof id === 'string' && id ? `webhook "${id}"` : 'webhook'
  throw new TypeError(`${who}: ${problem}. Fix: ${fix}.`)
}

function checkSecret(id: string, verify: Record<string, unknown>): void {
  const { secret } = verify
  const example = `secret: '${verify.scheme === 'github' ? 'GITHUB' : String(verify.scheme).toUpperCase()}_WEBHOOK_SECRET'`
  if (secret === undefined) fail(id, `verify.secret is required for the ${verify.scheme} scheme`, `name the env var holding the signing secret, e.g. ${example}`)
  if (typeof secret === 'function') return
  const names = typeof secret === 'string' ? [secret] : Array.isArray(secret) ? secret : undefined
  if (!names || names.length === 0) fail(id, 'verify.secret must be an env var name, a list of them or a function of env', `e.g. ${example}, or ['A', 'A_NEXT'] while rotating`)
  for (const name of names) {
    if (typeof name !== 'string' || !ENV_NAME.test(name)) {
      fail(id, 'verify.secret must name the env var holding the secret, not be the secret itself', `put the secret in the env (wrangler secret put STRIPE_WEBHOOK_SECRET) and write ${example}`)
    }
  }
}

function checkOptionalHeader(id: string, field: string, value: unknown): void {
  if (value !== undefined && (typeof value !== 'string' || !HEADER_NAME.test(value))) fail(id, `${field} must be a header name`, `e.g. ${field.split('.').pop()}: 'X-Request-Id'`)
}

function checkVerify(id: string, verify: unknown): void {
  if (typeof verify !== 'object' || verify === null) {
    fail(id, 'verify is required', `pass verify: { scheme: 'stripe', secret: 'STRIPE_WEBHOOK_SECRET' } (schemes: ${SCHEME_NAMES.join(', ')}), or { scheme: 'none' } for unsigned deliveries in dev mode`)
  }
  const options = verify as Record<string, unknown>
  const { scheme } = options
  if (!isSchemeName(scheme)) fail(id, `verify.scheme ${JSON.stringify(scheme)} is not a known scheme`, `use one of ${SCHEME_NAMES.join(', ')} (hmac for any other sender signing the body)`)
  if (scheme === 'none') {
    if (options.secret !== undefined) fail(id, 'verify.secret is set but scheme is "none", which checks nothing', "use the sender's scheme (or 'hmac'), or drop the secret")
    if (options.allowUnsigned !== undefined && typeof options.allowUnsigned !== 'boolean') fail(id, 'verify.allowUnsigned must be true or false', 'write allowUnsigned: true to accept unsigned deliveries outside dev mode')
    checkOptionalHeader(id, 'verify.deliveryIdHeader', options.deliveryIdHeader)
    return
  }
  checkSecret(id, options)
  const { toleranceSeconds } = options
  if (toleranceSeconds !== undefined) {
    if (!TIMESTAMPED.has(scheme)) fail(id, `verify.toleranceSeconds is set, but ${scheme} signs no timestamp`, 'drop toleranceSeconds; deliveries are deduplicated by their delivery id instead')
    if (typeof toleranceSeconds !== 'number' || !Number.isFinite(toleranceSeconds) || toleranceSeconds <= 0) fail(id, 'verify.toleranceSeconds must be a positive number of seconds', 'omit it for 300 (5 minutes)')
  }
  if (scheme !== 'hmac') return
  if (typeof options.header !== 'string' || !HEADER_NAME.test(options.header)) fail(id, 'verify.header is required for the hmac scheme: the header carrying the signature', "e.g. header: 'X-Signature'")
  if (options.algorithm !== undefined && !ALGORITHMS.includes(options.algorithm as string)) fail(id, `verify.algorithm ${JSON.stringify(options.algorithm)} is not supported`, `use one of ${ALGORITHMS.join(', ')}`)
  if (options.encoding !== undefined && !ENCODINGS.includes(options.encoding as string)) fail(id, `verify.encoding ${JSON.stringify(options.encoding)} is not supported`, `use one of ${ENCODINGS.join(', ')}`)
  if (options.prefix !== undefined && typeof options.prefix !== 'string') fail(id, 'verify.prefix must be a string', "e.g. prefix: 'sha256='")
  checkOptionalHeader(id, 'verify.deliveryIdHeader', options.deliveryIdHeader)
}

/**
 * Declares a webhook: deliveries to `POST /webhooks/<id>` are verified with `verify` (the raw body,
 * before parsing), turned into events by `transform` (Inngest's signature:
 * `(body, headers, query, raw)`), stored durably, and answered `{ ids, status: 200 }` before
 * their runs start. Mount it with `inngestRoutes({ webhooks: [...] })`.
 * @throws TypeError naming the field and the fix: a missing or non-URL-safe id, an unknown
 *   scheme, a missing secret name, a transform that is not a function
 * @example
 * ```ts
 * export const stripeHook = webhook<{ id: string; type: string }>({
 *   id: 'stripe',
 *   verify: { scheme: 'stripe', secret: 'STRIPE_WEBHOOK_SECRET' },
 *   transform: (evt) => ({ name: `stripe/${evt.type}`, data: evt }),
 * })
 * app.route('/', inngestRoutes({ webhooks: [stripeHook] }))
 * ```
 */
export function webhook<Body = any>(options: WebhookOptions<Body>): Webhook<Body> {
  if (typeof options !== 'object' || options === null) fail(undefined, 'takes an options object', "call webhook({ id, verify, transform })")
  const { id, verify, transform } = options
  if (typeof id !== 'string' || id.length === 0) fail(undefined, 'id is required', "pass id: 'stripe'; the webhook is served at POST /webhooks/<id>")
  if (!WEBHOOK_ID.test(id)) fail(id, 'id must be URL-safe: letters, digits, "-", "_" or "." (starting with a letter or digit), at most 64', `e.g. id: '${id.toLowerCase().replace(/[^a-z0-9_.-]+/g, '-').replace(/^[^a-z0-9]+/, '').slice(0, 64) || 'stripe'}'`)
  checkVerify(id, verify)
  if (typeof transform !== 'function') fail(id, 'transform must be a function', 'pass transform: (body, headers, query) => ({ name: "app/thing.happened", data: body })')
  const declaredWebhook: Webhook<Body> = Object.freeze({ id, path: `/webhooks/${id}`, verify: Object.freeze({ ...verify }) as WebhookVerify, transform })
  declared.add(declaredWebhook)
  return declaredWebhook
}
