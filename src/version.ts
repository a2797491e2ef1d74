/**
 * `version`: the version of this SDK (`@dotdo/inngest`'s, as in its package.json), where the
 * official root export gives the official package's.
 */
export const version = '0.1.0'
