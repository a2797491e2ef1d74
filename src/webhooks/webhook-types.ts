/**
 * The types of a webhook declaration: how its deliveries are verified, where its secrets come
 * from, and the transform that turns a delivery into events (Inngest's signature).
 */

/** The signing schemes built in; `svix` is `standard` under its first name. */
export type WebhookScheme = 'stripe' | 'github' | 'slack' | 'standard' | 'svix' | 'shopify' | 'hmac' | 'none'

/**
 * Where a webhook's secrets come from, read on each delivery:
 * - an env var's name (`'STRIPE_WEBHOOK_SECRET'`): a string var/secret, or a Secrets Store binding;
 * - several names, for rotation (`['STRIPE_WEBHOOK_SECRET', 'STRIPE_WEBHOOK_SECRET_NEXT']`):
 *   a signature made with any of them is accepted; names not set are skipped;
 * - a function of the env returning the secret or secrets themselves.
 * Values are never split: a secret may contain any character, commas included.
 */
export type WebhookSecret = string | readonly string[] | ((env: Readonly<Record<string, unknown>>) => string | readonly string[] | undefined | Promise<string | readonly string[] | undefined>)

/** What every signing scheme takes. */
interface SignedVerify {
  readonly secret: WebhookSecret
}

/** What the schemes whose provider signs a timestamp take. */
interface TimestampedVerify extends SignedVerify {
  /** How far, in seconds, the signed timestamp may be from now, either way (default 300: 5 minutes). */
  readonly toleranceSeconds?: number
}

/** Stripe: `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>…]`, HMAC-SHA256 over `${t}.${body}`. */
export interface StripeVerify extends TimestampedVerify {
  readonly scheme: 'stripe'
}

/** GitHub: `X-Hub-Signature-256: sha256=<hex>`, HMAC-SHA256 over the body (no timestamp). */
export interface GitHubVerify extends SignedVerify {
  readonly scheme: 'github'
}

/** Slack: `X-Slack-Signature: v0=<hex>` over `v0:${X-Slack-Request-Timestamp}:${body}`. */
export interface SlackVerify extends TimestampedVerify {
  readonly scheme: 'slack'
}

/**
 * Standard Webhooks (Svix, Clerk, Resend…): `webhook-id`, `webhook-timestamp`,
 * `webhook-signature: v1,<base64> …` (or `svix-*`), over `${id}.${timestamp}.${body}`, with a
 * `whsec_<base64>` secret.
 */
export interface StandardVerify extends TimestampedVerify {
  readonly scheme: 'standard' | 'svix'
}

/** Shopify: `X-Shopify-Hmac-Sha256: <base64>`, HMAC-SHA256 over the body (no timestamp). */
export interface ShopifyVerify extends SignedVerify {
  readonly scheme: 'shopify'
}

/** Any other sender that signs the body with an HMAC in one header. */
export interface HmacVerify extends SignedVerify {
  readonly scheme: 'hmac'
  /** The header carrying the signature, e.g. `'X-Signature'`. */
  readonly header: string
  /** Default `'SHA-256'`. */
  readonly algorithm?: 'SHA-256' | 'SHA-1' | 'SHA-512'
  /** How the signature is written (default `'hex'`, either case). */
  readonly encoding?: 'hex' | 'base64'
  /** Text before the signature in the header, e.g. `'sha256='`. */
  readonly prefix?: string
  /** The header carrying the sender's delivery id, if any: it becomes the event id. */
  readonly deliveryIdHeader?: string
}

/**
 * No verification: any caller can send events through this webhook. Accepted in dev mode only,
 * unless `allowUnsigned: true` says it is meant (an internal sender behind Access, say).
 */
export interface UnsignedVerify {
  readonly scheme: 'none'
  /** Accept unsigned deliveries outside dev mode too. */
  readonly allowUnsigned?: boolean
  /** The header carrying the sender's delivery id, if any: it becomes the event id. */
  readonly deliveryIdHeader?: string
}

/** How a webhook's deliveries are verified. */
export type WebhookVerify = StripeVerify | GitHubVerify | SlackVerify | StandardVerify | ShopifyVerify | HmacVerify | UnsignedVerify

/** An event a transform returns: `name` and `data` as for `inngest.send`, the rest optional. */
export interface WebhookEvent {
  readonly name: string
  /** A JSON object (checked when the delivery arrives: anything else is a 422). */
  readonly data?: object
  /** Set it to choose the dedupe key; else the provider's delivery id is used. */
  readonly id?: string
  readonly ts?: number
  readonly user?: object
  readonly v?: string
}

/**
 * Turns a verified delivery into events, with Inngest's transform signature, so an existing
 * transform moves over unchanged: `body` is the parsed JSON (or a form body as
 * `{ key: string[] }`, as Inngest gives it), `headers` the request headers under their
 * canonical names (`X-Github-Event`; any case reads them), `query` the query parameters and
 * `raw` the body as text. Return one event, several, or `[]` to accept the delivery and start
 * nothing.
 */
export type WebhookTransform<Body = any> = (
  body: Body,
  headers: Readonly<Record<string, string>>,
  query: Readonly<Record<string, string>>,
  raw: string,
) => WebhookEvent | readonly WebhookEvent[] | Promise<WebhookEvent | readonly WebhookEvent[]>

/** What `webhook()` takes. */
export interface WebhookOptions<Body = any> {
  /** The webhook's id, in its path: `POST /webhooks/<id>`. Letters, digits, `-`, `_` and `.`. */
  readonly id: string
  readonly verify: WebhookVerify
  readonly transform: WebhookTransform<Body>
}

/** A declared webhook, to pass to `inngestRoutes({ webhooks: [...] })`. */
export interface Webhook<Body = any> {
  readonly id: string
  /** Where it is mounted: `/webhooks/<id>`. */
  readonly path: string
  readonly verify: WebhookVerify
  readonly transform: WebhookTransform<Body>
}
