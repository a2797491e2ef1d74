/**
 * Byte codecs the signing schemes need: UTF-8, hex and base64, written out because the
 * Workers types stop at ES2023 (no `Uint8Array.fromHex`) and `atob` throws on bad input.
 */

const utf8 = new TextEncoder()

/** `text` as UTF-8 bytes. */
export const utf8Bytes = (text: string): Uint8Array => utf8.encode(text)

/** The parts one after another, as one array: the message a scheme signs. */
export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  const joined = new Uint8Array(parts.reduce((total, part) => total + part.length, 0))
  let offset = 0
  for (const part of parts) {
    joined.set(part, offset)
    offset += part.length
  }
  return joined
}

/** The bytes of a hex string (either case), or `undefined` when it is not hex. */
export function fromHex(hex: string): Uint8Array | undefined {
  if (hex.length % 2 !== 0 || !/^[0-9a-f]*$/i.test(hex)) return undefined
  return Uint8Array.from(hex.match(/../g) ?? [], (pair) => parseInt(pair, 16))
}

/** The bytes of a standard base64 string (padding optional), or `undefined` when it is not base64. */
export function fromBase64(base64: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64) || base64.replace(/=+$/, '').length % 4 === 1) return undefined
  try {
    return Uint8Array.from(atob(base64), (char) => char.charCodeAt(0))
  } catch {
    return undefined
  }
}

/** `bytes` as standard base64 with padding. */
export const toBase64 = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes))

/** `bytes` as lower-case hex. */
export const toHex = (bytes: Uint8Array): string => [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('')
