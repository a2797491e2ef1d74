/**
 * `slugify(text)`: the official SDK's id slug (v2 derived function ids from names this way).
 */

/**
 * Lower case, every run of other characters a single `-`, no leading or trailing `-`.
 * @example
 * ```ts
 * inngest.createFunction({ id: slugify('Send Welcome Email') }, …) // id "send-welcome-email", as v2 derived it
 * ```
 */
export function slugify(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .split('-')
    .filter(Boolean)
    .join('-')
}
