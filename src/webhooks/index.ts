/**
 * Webhooks: declared in code with `webhook()`, served by `inngestRoutes({ webhooks })` at
 * `POST /webhooks/<id>`. The public names, one by one.
 */
export { webhook, isWebhook } from './declare-webhook.js'
export { WEBHOOK_FAILED_EVENT } from './webhook-failure.js'
export type { WebhookFailedData } from './webhook-failure.js'
export type {
  GitHubVerify,
  HmacVerify,
  ShopifyVerify,
  SlackVerify,
  StandardVerify,
  StripeVerify,
  UnsignedVerify,
  Webhook,
  WebhookEvent,
  WebhookOptions,
  WebhookScheme,
  WebhookSecret,
  WebhookTransform,
  WebhookVerify,
} from './webhook-types.js'
