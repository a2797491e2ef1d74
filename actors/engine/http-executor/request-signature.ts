/**
 * Inngest's request signatures (`X-Inngest-Signature: t=<unix seconds>&s=<hex>`): HMAC-SHA256
 * over the body text followed by the timestamp, keyed by the signing key's text without its
 * `signkey-<env>-` prefix (inngest-js `helpers/net.ts signDataWithKey`). The executor signs the
 * canonical JSON of each call; an SDK signs its response body as it sent it.
 */
import { sameText } from '../constant-time.js'

/** Signatures older or newer than this are refused, as the SDK refuses ours. */
export const SIGNATURE_MAX_AGE_S = 5 * 60

/** The key as the HMAC uses it: `signkey-prod-abc…` → `abc…`. */
export function keyWithoutPrefix(signingKey: string): string {
  return signingKey.replace(/^signkey-\w+-/, '')
}

async function hmacHex(key: string, data: string): Promise<string> {
  const encoder = new TextEncoder()
  const cryptoKey = await crypto.subtle.importKey('raw', encoder.encode(keyWithoutPrefix(key)), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', cryptoKey, encoder.encode(data)))
  return [...mac].map((byte) => byte.toString(16).padStart(2, '0')).join('')
}

/** The `X-Inngest-Signature` value for `body` signed at `nowSeconds`. */
export async function signatureHeader(body: string, signingKey: string, nowSeconds: number): Promise<string> {
  const t = String(Math.floor(nowSeconds))
  return `t=${t}&s=${await hmacHex(signingKey, body + t)}`
}

/** Why a signature was refused; undefined when one of `keys` made it and it is fresh. */
export async function signatureProblem(body: string, header: string | null, keys: readonly string[], nowSeconds: number): Promise<string | undefined> {
  if (!header) return 'it has no X-Inngest-Signature header'
  const params = new URLSearchParams(header)
  const t = params.get('t') ?? ''
  const s = params.get('s') ?? ''
  if (!/^\d+$/.test(t) || s === '') return `its X-Inngest-Signature is malformed ("${header.slice(0, 80)}")`
  if (Math.abs(nowSeconds - Number(t)) > SIGNATURE_MAX_AGE_S) return 'its signature has expired (more than 5 minutes from our clock)'
  for (const key of keys) if (sameText(s, await hmacHex(key, body + t))) return undefined
  return 'its signature does not match the signing key'
}
