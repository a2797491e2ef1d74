/**
 * Declaring a webhook: a mistake is a TypeError at declaration naming the field and the fix, and
 * `inngestRoutes` takes only declared webhooks with distinct ids.
 */
import { describe, expect, it } from 'vitest'
import { inngestRoutes } from '../../src/hono.js'
import { webhook, type WebhookOptions } from '../../src/index.js'

const transform = (body: unknown) => ({ name: 'app/x', data: { body } })
const declare = (options: Record<string, unknown>) => () => webhook({ id: 'hook', verify: { scheme: 'github', secret: 'GITHUB_WEBHOOK_SECRET' }, transform, ...options } as unknown as WebhookOptions)

describe('webhook()', () => {
  it('returns the webhook with its path', () => {
    const hook = webhook({ id: 'stripe.live_1', verify: { scheme: 'stripe', secret: 'STRIPE_WEBHOOK_SECRET' }, transform })
    expect(hook).toMatchObject({ id: 'stripe.live_1', path: '/webhooks/stripe.live_1', verify: { scheme: 'stripe', secret: 'STRIPE_WEBHOOK_SECRET' } })
    expect(Object.isFrozen(hook)).toBe(true)
  })

  it.each([
    ['a missing id', { id: undefined }, 'webhook: id is required. Fix: pass id'],
    ['an id that is not URL-safe', { id: 'My Hook/1' }, `webhook "My Hook/1": id must be URL-safe`],
    ['a missing verify', { verify: undefined }, 'webhook "hook": verify is required. Fix:'],
    ['an unknown scheme', { verify: { scheme: 'paypal', secret: 'X' } }, 'verify.scheme "paypal" is not a known scheme. Fix: use one of stripe, github, slack, standard, svix, shopify, hmac, none'],
    ['a missing secret', { verify: { scheme: 'stripe' } }, "verify.secret is required for the stripe scheme. Fix: name the env var holding the signing secret, e.g. secret: 'STRIPE_WEBHOOK_SECRET'"],
    ['the secret itself instead of its name', { verify: { scheme: 'stripe', secret: 'whsec_abc+/=' } }, 'verify.secret must name the env var holding the secret, not be the secret itself'],
    ['an empty secret list', { verify: { scheme: 'stripe', secret: [] } }, 'verify.secret must be an env var name'],
    ['a tolerance for a scheme with no timestamp', { verify: { scheme: 'github', secret: 'S', toleranceSeconds: 60 } }, 'verify.toleranceSeconds is set, but github signs no timestamp'],
    ['a tolerance that is not positive', { verify: { scheme: 'slack', secret: 'S', toleranceSeconds: 0 } }, 'verify.toleranceSeconds must be a positive number of seconds'],
    ['hmac without its header', { verify: { scheme: 'hmac', secret: 'S' } }, 'verify.header is required for the hmac scheme'],
    ['hmac with an unknown algorithm', { verify: { scheme: 'hmac', secret: 'S', header: 'X-Sig', algorithm: 'MD5' } }, 'verify.algorithm "MD5" is not supported. Fix: use one of SHA-256, SHA-1, SHA-512'],
    ['hmac with an unknown encoding', { verify: { scheme: 'hmac', secret: 'S', header: 'X-Sig', encoding: 'base32' } }, 'verify.encoding "base32" is not supported'],
    ['a secret on an unsigned webhook', { verify: { scheme: 'none', secret: 'S' } }, 'verify.secret is set but scheme is "none"'],
    ['a transform that is not a function', { transform: 'return evt' }, 'webhook "hook": transform must be a function. Fix:'],
  ])('refuses %s with a TypeError naming the fix', (_case, options, message) => {
    expect(declare(options)).toThrow(TypeError)
    expect(declare(options)).toThrow(message)
  })

  it('accepts every scheme, secret lists and functions, and unsigned webhooks', () => {
    for (const verify of [
      { scheme: 'slack', secret: ['SLACK_SIGNING_SECRET', 'SLACK_SIGNING_SECRET_NEXT'], toleranceSeconds: 60 },
      { scheme: 'svix', secret: (env: Record<string, unknown>) => env.CLERK_SECRET as string },
      { scheme: 'shopify', secret: 'SHOPIFY_SECRET' },
      { scheme: 'hmac', secret: 'S', header: 'X-Sig', algorithm: 'SHA-1', encoding: 'base64', prefix: 'sha1=', deliveryIdHeader: 'X-Id' },
      { scheme: 'none' },
      { scheme: 'none', allowUnsigned: true },
    ]) {
      expect(declare({ verify }), JSON.stringify(verify)).not.toThrow()
    }
  })
})

describe('inngestRoutes({ webhooks })', () => {
  it('refuses what webhook() did not declare, and two webhooks with one id', () => {
    const hook = declare({})()
    expect(() => inngestRoutes({ webhooks: [{ ...hook }] })).toThrow('inngestRoutes: webhooks[0] is not a webhook. Fix: declare it with webhook(')
    expect(() => inngestRoutes({ webhooks: [hook, declare({})()] })).toThrow('inngestRoutes: two webhooks have the id "hook"')
  })
})
