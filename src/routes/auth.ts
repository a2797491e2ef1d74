/**
 * REST authentication, as Inngest's API: `Authorization: Bearer <signing key>`, except in dev
 * mode (`INNGEST_DEV=1`), where the API is open like the Inngest dev server.
 */
import type { MiddlewareHandler } from 'hono'
import { isDevMode, type InngestEnv } from '../env.js'

/** Constant-time comparison: a wrong key takes as long to reject as a nearly right one. */
function sameKey(given: string, expected: string): boolean {
  const a = new TextEncoder().encode(given)
  const b = new TextEncoder().encode(expected)
  let diff = a.length ^ b.length
  for (let i = 0; i < Math.max(a.length, b.length); i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0)
  return diff === 0
}

export const requireSigningKey: MiddlewareHandler<{ Bindings: InngestEnv }> = async (c, next) => {
  if (isDevMode(c.env)) return next()
  const expected = c.env.INNGEST_SIGNING_KEY
  const given = c.req.header('authorization')?.replace(/^Bearer\s+/i, '')
  if (!expected || !given || !sameKey(given, expected)) {
    return c.json({ error: 'Unauthorized', fix: 'send Authorization: Bearer <INNGEST_SIGNING_KEY>, or run in dev mode (INNGEST_DEV=1)' }, 401)
  }
  return next()
}
