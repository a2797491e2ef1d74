/**
 * Parsing a verified body for the transform. JSON unless the sender says
 * `application/x-www-form-urlencoded` (Slack slash commands and interactions, Twilio…), which
 * becomes `{ key: string[] }`: every value an array, as Inngest's webhooks give a form body, so
 * a transform written for Inngest reads it the same way (`body.text[0]`).
 */

/** The parsed body, or why it could not be parsed (a 400). */
export type ParsedWebhookBody = { readonly ok: true; readonly body: unknown } | { readonly ok: false; readonly error: string; readonly fix: string }

/** A form body as Inngest gives it: each key's values, in order. */
export function parseFormBody(raw: string): Record<string, string[]> {
  const form: Record<string, string[]> = {}
  for (const [key, value] of new URLSearchParams(raw)) (form[key] ??= []).push(value)
  return form
}

/** `raw` parsed as its content type says: a form, else JSON. */
export function parseWebhookBody(raw: string, contentType: string | undefined): ParsedWebhookBody {
  if (/^application\/x-www-form-urlencoded\b/i.test(contentType ?? '')) return { ok: true, body: parseFormBody(raw) }
  try {
    return { ok: true, body: JSON.parse(raw) }
  } catch (error) {
    // A parser that gives up on depth throws RangeError: the body is JSON, only too deep.
    if (error instanceof RangeError) return { ok: false, error: 'the body is nested too deep to parse', fix: 'send shallower JSON' }
    return { ok: false, error: 'the body is not valid JSON', fix: 'send a JSON body, or a form with content-type application/x-www-form-urlencoded' }
  }
}
