/**
 * Slack: `X-Slack-Signature: v0=<hex>`, HMAC-SHA256 under the app's signing secret (as text)
 * over `v0:${X-Slack-Request-Timestamp}:${body}`. Events API deliveries carry `event_id` in the
 * body, kept on Slack's retries (`X-Slack-Retry-Num`); slash commands and interactions have none.
 */
import { concatBytes, fromHex, utf8Bytes } from '../bytes.js'
import { anySignatureMatches } from '../hmac.js'
import { replayProblem } from '../replay-window.js'
import type { SlackVerify } from '../webhook-types.js'
import { missingHeader, mismatch, stale, stringField, type SignatureScheme } from './signature-scheme.js'

const HEADER = 'X-Slack-Signature'
const TIMESTAMP_HEADER = 'X-Slack-Request-Timestamp'
const PREFIX = 'v0='

export const slackScheme: SignatureScheme<SlackVerify> = {
  keyOf: (secret) => utf8Bytes(secret),
  secretForm: "the app's signing secret (Basic Information → App Credentials)",
  async verify({ headers, body }, keys, verify, nowMs) {
    const header = headers.get(HEADER)
    if (!header) return missingHeader(HEADER, 'Slack')
    const timestamp = headers.get(TIMESTAMP_HEADER)
    if (!timestamp) return missingHeader(TIMESTAMP_HEADER, 'Slack')
    if (!header.startsWith(PREFIX)) return { error: `${HEADER} does not start with "${PREFIX}"`, field: HEADER, fix: 'send the header as Slack does: v0=<hex signature>' }
    const candidate = fromHex(header.slice(PREFIX.length))
    const signed = concatBytes(utf8Bytes(`v0:${timestamp}:`), body)
    if (!(candidate && (await anySignatureMatches('SHA-256', keys, signed, [candidate])))) return mismatch(HEADER)
    // Checked once the signature holds: "stale" then always means a genuine delivery, replayed or late.
    const tooOld = replayProblem(timestamp, nowMs, verify.toleranceSeconds)
    return tooOld ? stale(TIMESTAMP_HEADER, tooOld) : undefined
  },
  deliveryId: (_headers, body) => stringField(body, 'event_id'),
  recordedHeaders: () => [TIMESTAMP_HEADER, 'X-Slack-Retry-Num', 'X-Slack-Retry-Reason'],
}
