/**
 * No signature: every delivery passes. Whether that is allowed (dev mode, or `allowUnsigned`) is
 * decided before this runs, by the delivery.
 */
import type { UnsignedVerify } from '../webhook-types.js'
import { headerValue, type SignatureScheme } from './signature-scheme.js'

export const unsignedScheme: SignatureScheme<UnsignedVerify> = {
  keyOf: () => new Uint8Array(),
  secretForm: 'none',
  verify: async () => undefined,
  deliveryId: (headers, _body, verify) => (verify.deliveryIdHeader ? headerValue(headers, verify.deliveryIdHeader) : undefined),
  recordedHeaders: (verify) => (verify.deliveryIdHeader ? [verify.deliveryIdHeader] : []),
}
