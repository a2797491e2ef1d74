/**
 * Dashboard sessions without a session store: the cookie is `<expires>.<nonce>.<mac>`, an
 * HMAC-SHA256 over the expiry and a random nonce, keyed by the dashboard's secret
 * (`INNGEST_DASHBOARD_SECRET`, else the signing key). Changing the secret signs everyone out.
 * The CSRF token of a session is another MAC of its nonce: a page embeds it in its forms and
 * scripts, and no other site can compute it (the cookie is HttpOnly and SameSite=Strict).
 * In dev mode the key is a fixed label: the session then only carries the CSRF nonce.
 */
import { sameText } from '../../actors/engine/constant-time.js'
import { isDevMode, type InngestEnv } from '../env.js'

/** The session cookie's name. */
export const SESSION_COOKIE = 'inngest_dashboard'
/** How long a sign-in lasts. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000

/** A verified session: when it ends and the CSRF token its forms must carry. */
export interface DashboardSession {
  readonly expiresAt: number
  readonly csrf: string
}

const DEV_KEY_MATERIAL = 'inngest.do dev-mode dashboard'
const keys = new Map<string, Promise<CryptoKey>>()

/** The secret sessions are signed with: null outside dev mode when none is configured. */
export function sessionSecret(env: InngestEnv): string | null {
  if (isDevMode(env)) return DEV_KEY_MATERIAL
  return env.INNGEST_DASHBOARD_SECRET || env.INNGEST_SIGNING_KEY || null
}

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret)
  if (!key) {
    // A key of its own, derived by label, so a session MAC is never a MAC the signing key makes elsewhere.
    key = crypto.subtle.importKey('raw', new TextEncoder().encode(`inngest.do dashboard session\0${secret}`), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify'])
    keys.set(secret, key)
  }
  return key
}

const base64url = (bytes: ArrayBuffer | Uint8Array) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')

function fromBase64url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return null
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'))
  return Uint8Array.from(binary, (char) => char.charCodeAt(0))
}

async function mac(secret: string, label: string, text: string): Promise<string> {
  return base64url(await crypto.subtle.sign('HMAC', await hmacKey(secret), new TextEncoder().encode(`${label}\0${text}`)))
}

/** A new session token (the cookie's value) and its session. */
export async function issueSession(secret: string, now: number): Promise<{ token: string; session: DashboardSession }> {
  const expiresAt = now + SESSION_TTL_MS
  const nonce = base64url(crypto.getRandomValues(new Uint8Array(18)))
  const body = `${expiresAt}.${nonce}`
  return { token: `${body}.${await mac(secret, 'session', body)}`, session: { expiresAt, csrf: await mac(secret, 'csrf', nonce) } }
}

/** The session `token` stands for, or null when it is malformed, forged or expired. */
export async function readSession(secret: string, token: string | undefined, now: number): Promise<DashboardSession | null> {
  const match = /^(\d{1,15})\.([A-Za-z0-9_-]{16,64})\.([A-Za-z0-9_-]{43})$/.exec(token ?? '')
  if (!match) return null
  const [, expires, nonce, signature] = match as unknown as [string, string, string, string]
  const signatureBytes = fromBase64url(signature)
  if (!signatureBytes) return null
  // crypto.subtle.verify compares in constant time.
  const valid = await crypto.subtle.verify('HMAC', await hmacKey(secret), signatureBytes, new TextEncoder().encode(`session\0${expires}.${nonce}`))
  const expiresAt = Number(expires)
  if (!valid || expiresAt <= now) return null
  return { expiresAt, csrf: await mac(secret, 'csrf', nonce) }
}

/** Whether `given` is the session's CSRF token, compared in constant time. */
export function carriesCsrfToken(session: DashboardSession, given: string | undefined): boolean {
  return sameText(given ?? '', session.csrf)
}
