/**
 * Event ids from the provider's delivery id, so a provider's retry of a delivery is a duplicate
 * (the event index keeps ids 24 hours) and never starts a second run. The id is scoped by the
 * webhook (`stripe:evt_1Nx…`): Stripe and Svix send one event to every endpoint subscribed to
 * it with the same id, and two webhooks receiving it must not swallow each other's events.
 */

/** A delivery id used as it is: visible ASCII, short enough for the 256-byte event id limit. */
const USABLE_AS_IS = /^[\x21-\x7e]{1,200}$/

/**
 * The event id a delivery's events derive from: `<webhook>:<delivery id>`, the delivery id
 * hashed (SHA-256, hex) when it is too long or not plain ASCII; `undefined` without one.
 */
export async function deliveryEventId(webhookId: string, deliveryId: string | undefined): Promise<string | undefined> {
  if (deliveryId === undefined || deliveryId.length === 0) return undefined
  if (USABLE_AS_IS.test(deliveryId)) return `${webhookId}:${deliveryId}`
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(deliveryId)))
  return `${webhookId}:sha256-${[...digest].map((byte) => byte.toString(16).padStart(2, '0')).join('')}`
}

const hasOwnId = (event: Record<string, unknown>) => typeof event.id === 'string' && event.id.length > 0

/**
 * The transform's output with ids filled in from `baseId` where the transform set none: one
 * event gets `baseId`, an array's events `${baseId}-${index}` (stable across retries as long as
 * the transform is). Anything not an object is left for validation to report.
 */
export function withDeliveryIds(output: unknown, baseId: string | undefined): unknown {
  if (baseId === undefined) return output
  const fill = (event: unknown, id: string) =>
    typeof event === 'object' && event !== null && !Array.isArray(event) && !hasOwnId(event as Record<string, unknown>) ? { ...event, id } : event
  return Array.isArray(output) ? output.map((event, index) => fill(event, `${baseId}-${index}`)) : fill(output, baseId)
}

/** The id of a delivery's failure record: one record per delivery, however often it is retried. */
export const failureEventId = (baseId: string): string => `${baseId}:failed`
