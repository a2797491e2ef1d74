/**
 * The webhook routes: `POST /webhooks/<id>` for each declared webhook. No event key or signing
 * key: the signature is the auth. The body is bounded as the Event API's
 * (`INNGEST_MAX_EVENT_BODY_BYTES`, 413) and read as bytes, so the signature is checked over
 * exactly what was sent. An unknown id, or another method, is answered by `inngestRoutes()`'s
 * last route (404, or 405 with `Allow: POST`), as for every path under its prefixes.
 */
import { Hono, type MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { InngestEnv } from '../env.js'
import { isWebhook } from '../webhooks/declare-webhook.js'
import { receiveDelivery } from '../webhooks/webhook-delivery.js'
import type { Webhook } from '../webhooks/webhook-types.js'
import { maxBodyBytes } from './event-api.js'
import { RouteError } from './route-error.js'

type Env = { Bindings: InngestEnv }

/** Checks the list passed to `inngestRoutes({ webhooks })`: declared with `webhook()`, ids unique. */
function checkWebhooks(webhooks: readonly unknown[]): asserts webhooks is readonly Webhook[] {
  const seen = new Set<string>()
  for (const [index, hook] of webhooks.entries()) {
    if (!isWebhook(hook)) throw new TypeError(`inngestRoutes: webhooks[${index}] is not a webhook. Fix: declare it with webhook({ id, verify, transform }) from '@dotdo/inngest'.`)
    if (seen.has(hook.id)) throw new TypeError(`inngestRoutes: two webhooks have the id "${hook.id}". Fix: give each its own id; each is served at /webhooks/<id>.`)
    seen.add(hook.id)
  }
}

/** The routes of `webhooks`, to mount beside the Event API. */
export function webhookRoutes(webhooks: readonly Webhook[]): Hono<Env> {
  checkWebhooks(webhooks)
  const app = new Hono<Env>()
  const limitBody: MiddlewareHandler<Env> = (c, next) => {
    const maxSize = maxBodyBytes(c.env)
    return bodyLimit({
      maxSize,
      onError: () => {
        throw new RouteError(413, `the request body is larger than ${maxSize} bytes`, { field: 'body', fix: 'INNGEST_MAX_EVENT_BODY_BYTES sets the limit' })
      },
    })(c, next)
  }
  for (const hook of webhooks) {
    app.post(hook.path, limitBody, async (c) => {
      const body = new Uint8Array(await c.req.arrayBuffer())
      const answer = await receiveDelivery(c.env, hook, { headers: c.req.raw.headers, body, query: c.req.query() }, Date.now())
      return 'challenge' in answer ? c.json({ challenge: answer.challenge }) : c.json({ ids: answer.ids, status: 200 })
    })
  }
  return app
}
