/**
 * `@dotdo/inngest/components/InngestFunction`, for v3's deep import of the same path.
 */
export { InngestFunction } from '../inngest-function.js'
