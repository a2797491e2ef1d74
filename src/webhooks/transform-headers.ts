/**
 * The headers a transform receives, as Inngest gives them: one string per header, under its
 * canonical name (`X-Github-Event`, `Content-Type`, as Go spells them), so a transform written
 * for Inngest finds them unchanged. Any other case reads them too (`headers['x-github-event']`,
 * `headers['X-GitHub-Event']`), since providers' docs spell them every way.
 */

/** `x-github-event` → `X-Github-Event`: each word capitalised, the rest lower case (Go's `CanonicalMIMEHeaderKey`). */
export const canonicalHeaderName = (name: string): string => name.toLowerCase().replace(/(^|-)([a-z])/g, (_match, dash: string, letter: string) => dash + letter.toUpperCase())

/** `headers` as a plain object under canonical names, read case-insensitively. */
export function transformHeaders(headers: Headers): Readonly<Record<string, string>> {
  const canonical: Record<string, string> = {}
  for (const [name, value] of headers) canonical[canonicalHeaderName(name)] = value
  return new Proxy(canonical, {
    get: (target, key) => (typeof key === 'string' && !Object.hasOwn(target, key) ? target[canonicalHeaderName(key)] : Reflect.get(target, key)),
    has: (target, key) => Reflect.has(target, key) || (typeof key === 'string' && Object.hasOwn(target, canonicalHeaderName(key))),
  })
}
