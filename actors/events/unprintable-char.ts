/**
 * Finding the character that makes a name or id unusable: one a log line, a URL or a header
 * would break on, or that cannot be encoded as UTF-8 at all.
 */

/** Where the character is (UTF-16 index) and what it is, e.g. `U+000A (line feed)`. */
export interface UnprintableChar {
  readonly index: number
  readonly description: string
}

const NAMED: Readonly<Record<number, string>> = { 0x00: 'NUL', 0x09: 'tab', 0x0a: 'line feed', 0x0d: 'carriage return', 0x7f: 'DEL', 0x2028: 'line separator', 0x2029: 'paragraph separator' }

const codePoint = (code: number) => `U+${code.toString(16).toUpperCase().padStart(4, '0')}`

const isControl = (code: number) => code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029

/**
 * The first control character (C0, DEL, C1, line and paragraph separators) or lone UTF-16
 * surrogate in `text`, or undefined. Surrogate pairs (emoji, rare CJK) are fine.
 */
export function firstUnprintable(text: string): UnprintableChar | undefined {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index)
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(index + 1)
      if (next >= 0xdc00 && next <= 0xdfff) {
        index++
        continue
      }
      return { index, description: `${codePoint(code)} (a lone UTF-16 surrogate)` }
    }
    if (code >= 0xdc00 && code <= 0xdfff) return { index, description: `${codePoint(code)} (a lone UTF-16 surrogate)` }
    if (isControl(code)) return { index, description: `${codePoint(code)} (${NAMED[code] ?? 'a control character'})` }
  }
  return undefined
}
