/**
 * HMAC with WebCrypto (`crypto.subtle`, in workerd and Node alike). Written here rather than
 * taken from a library: every scheme is the same three steps (key, HMAC, constant-time compare)
 * over a different message, a few lines each, with no dependency to audit for `eval` or Node
 * built-ins (`standardwebhooks` pulls in `@stablelib/base64` and `fast-sha256` for what
 * `crypto.subtle` does natively).
 */
import { sameBytes } from '../../actors/engine/constant-time.js'

/** The hash functions the schemes use. */
export type HmacAlgorithm = 'SHA-256' | 'SHA-1' | 'SHA-512'

/** HMAC of `message` under `key`. */
export async function hmac(algorithm: HmacAlgorithm, key: Uint8Array, message: Uint8Array): Promise<Uint8Array> {
  const cryptoKey = await crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: algorithm }, false, ['sign'])
  return new Uint8Array(await crypto.subtle.sign('HMAC', cryptoKey, message))
}

/**
 * Whether any of `candidates` (the signatures the request carries, decoded) is the HMAC of
 * `message` under any of `keys` (the secrets, during a rotation several). Every pair is compared,
 * found or not, so the time taken does not say which secret or signature matched.
 */
export async function anySignatureMatches(algorithm: HmacAlgorithm, keys: readonly Uint8Array[], message: Uint8Array, candidates: readonly Uint8Array[]): Promise<boolean> {
  const expected = await Promise.all(keys.map((key) => hmac(algorithm, key, message)))
  let matched = false
  for (const signature of expected) for (const candidate of candidates) matched = sameBytes(candidate, signature) || matched
  return matched
}
