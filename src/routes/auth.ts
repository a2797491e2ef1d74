/**
 * Keys, as Inngest checks them: the REST API and the full introspection take
 * `Authorization: Bearer <signing key>`, the Event API takes an event key in its path. Dev mode
 * (`INNGEST_DEV=1`) checks neither, like the Inngest dev server. Every key is compared in
 * constant time.
 */
import type { MiddlewareHandler } from 'hono'
import { sameText } from '../../actors/engine/constant-time.js'
import { isDevMode, type InngestEnv } from '../env.js'
import { RouteError } from './route-error.js'

/**
 * The credentials of an `Authorization: Bearer <token>` header, or `undefined` when the header
 * is absent or uses another scheme. The scheme is case-insensitive (RFC 7235 §2.1).
 */
export function bearerToken(authorization: string | undefined): string | undefined {
  return /^bearer +(\S+) *$/i.exec(authorization ?? '')?.[1]
}

/**
 * The signing key as the official SDK sends it to the server: the prefix (`signkey-prod-`) kept,
 * the rest hex-decoded and hashed with SHA-256 (inngest-js `hashSigningKey`). Decoding stops at
 * the first pair that is not hex, as Node's `update(key, 'hex')` the SDK uses does.
 */
export async function hashedSigningKey(key: string): Promise<string> {
  const prefix = /^signkey-\w+-/.exec(key)?.[0] ?? ''
  const hex = /^(?:[0-9a-f]{2})*/i.exec(key.slice(prefix.length))![0]
  const bytes = Uint8Array.from(hex.match(/../g) ?? [], (pair) => parseInt(pair, 16))
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))
  return prefix + [...digest].map((byte) => byte.toString(16).padStart(2, '0')).join('')
}

/**
 * Whether `authorization` carries the signing key (`INNGEST_SIGNING_KEY`), plain or hashed as the
 * official SDK sends it (Inngest's server takes both); never without one set.
 */
export function carriesSigningKey(env: InngestEnv, authorization: string | undefined): Promise<boolean> {
  return carriesKey(env.INNGEST_SIGNING_KEY, authorization)
}

/** Whether `authorization` carries `expected`, plain or hashed; never when `expected` is unset. */
async function carriesKey(expected: string | undefined, authorization: string | undefined): Promise<boolean> {
  const given = bearerToken(authorization)
  if (!expected || given === undefined) return false
  const hashed = await hashedSigningKey(expected)
  // Both compared, whichever matches: the time taken says nothing about which form was close.
  return [sameText(given, expected), sameText(given, hashed)].includes(true)
}

/** Whether `key` is one of `INNGEST_EVENT_KEY`'s comma-separated keys; any key in dev mode. */
export function acceptsEventKey(env: InngestEnv, key: string): boolean {
  if (isDevMode(env)) return true
  const keys = (env.INNGEST_EVENT_KEY ?? '').split(',').map((k) => k.trim()).filter(Boolean)
  let accepted = false
  for (const expected of keys) accepted = sameText(key, expected) || accepted // compares with every key, found or not
  return accepted
}

const SEND_BEARER = 'send Authorization: Bearer <INNGEST_SIGNING_KEY>, or run in dev mode (INNGEST_DEV=1)'

/** The REST API's guard: the signing key as a Bearer token, except in dev mode. Refuses with a 401. */
export const requireSigningKey: MiddlewareHandler<{ Bindings: InngestEnv }> = async (c, next) => {
  if (isDevMode(c.env)) return next()
  const authorization = c.req.header('authorization')
  const challenge = { 'www-authenticate': 'Bearer' }
  if (authorization !== undefined && bearerToken(authorization) === undefined) {
    throw new RouteError(401, 'Authorization must use the Bearer scheme', { field: 'authorization', fix: SEND_BEARER, headers: challenge })
  }
  if (!(await carriesSigningKey(c.env, authorization))) throw new RouteError(401, 'Unauthorized', { fix: SEND_BEARER, headers: challenge })
  return next()
}

/** Whether the SDK may call us: dev mode, or its Bearer token is the signing key or the fallback key (plain or hashed). */
export async function sdkMayCall(env: InngestEnv, authorization: string | undefined): Promise<boolean> {
  return isDevMode(env) || (await carriesKey(env.INNGEST_SIGNING_KEY, authorization)) || (await carriesKey(env.INNGEST_SIGNING_KEY_FALLBACK, authorization))
}

/** The SDK-facing API's check: the app's signing key or its fallback, as the SDK sends it; none in dev mode. */
export const requireSdkKey: MiddlewareHandler<{ Bindings: InngestEnv }> = async (c, next) => {
  if (!(await sdkMayCall(c.env, c.req.header('authorization')))) {
    throw new RouteError(401, 'Unauthorized', { fix: 'the SDK sends Authorization: Bearer <its signing key, hashed>: give the app the INNGEST_SIGNING_KEY (or INNGEST_SIGNING_KEY_FALLBACK) this worker has' })
  }
  await next()
}
