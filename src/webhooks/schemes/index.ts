/**
 * The signing schemes by name: the one table `webhook()` checks a scheme against and a delivery
 * looks its verifier up in.
 */
import type { WebhookScheme, WebhookVerify } from '../webhook-types.js'
import { genericHmacScheme } from './generic-hmac.js'
import { githubScheme } from './github.js'
import type { SignatureScheme } from './signature-scheme.js'
import { shopifyScheme } from './shopify.js'
import { slackScheme } from './slack.js'
import { standardWebhooksScheme } from './standard-webhooks.js'
import { stripeScheme } from './stripe.js'
import { unsignedScheme } from './unsigned.js'

export type { SignatureProblem, SignatureScheme, SignedDelivery } from './signature-scheme.js'

const SCHEMES: { readonly [S in WebhookScheme]: SignatureScheme<Extract<WebhookVerify, { scheme: S }>> } = {
  stripe: stripeScheme,
  github: githubScheme,
  slack: slackScheme,
  standard: standardWebhooksScheme,
  svix: standardWebhooksScheme,
  shopify: shopifyScheme,
  hmac: genericHmacScheme,
  none: unsignedScheme,
}

/** Every scheme's name, for errors and docs. */
export const SCHEME_NAMES = Object.keys(SCHEMES) as readonly WebhookScheme[]

/** Whether `name` is a built-in scheme. */
export const isSchemeName = (name: unknown): name is WebhookScheme => typeof name === 'string' && Object.hasOwn(SCHEMES, name)

/** The scheme that verifies deliveries declared with `verify`. */
export const schemeFor = <V extends WebhookVerify>(verify: V): SignatureScheme<V> => SCHEMES[verify.scheme] as unknown as SignatureScheme<V>
