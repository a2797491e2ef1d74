/**
 * `step.ai.infer`: the model call Inngest's AI gateway makes, made by the run's own object. A
 * model is what the `@inngest/ai` helpers return (`openai({ model, apiKey })` and the rest):
 * `{ url, authKey, format, headers, onCall }`. The request is built here, as the gateway builds
 * it per format; the provider's JSON response is the step's output.
 */

/** A model as the `@inngest/ai` helpers describe it. */
export interface InferModel {
  readonly url?: string
  readonly authKey?: string
  readonly format?: string
  readonly headers?: Record<string, string>
  /** Called with a copy of the model and the body before the request (defaults, `model` name). */
  readonly onCall?: (model: InferModel, body: Record<string, unknown>) => void
}

/** The request `step.ai.infer` sends. */
export interface InferRequest {
  readonly url: string
  readonly headers: Record<string, string>
  readonly body: string
}

/** Where each format carries the key: Gemini's is already in the url, Azure's in its headers. */
function inferAuthHeaders(format: string | undefined, authKey: string | undefined): Record<string, string> {
  if (!authKey) return {}
  switch (format) {
    case 'anthropic':
      return { 'x-api-key': authKey }
    case 'gemini':
      return {}
    case 'azure-openai':
      return { 'api-key': authKey }
    default:
      return { authorization: `Bearer ${authKey}` }
  }
}

/** The request for `body` to `model`, after the model's `onCall` (which may fill in the body). */
export function buildInferRequest(model: InferModel, body: Record<string, unknown>, stepId: string): InferRequest {
  if (typeof model?.url !== 'string' || model.url.length === 0) {
    throw new TypeError(`step "${stepId}": step.ai.infer's model has no url. Fix: pass a model helper's result, such as openai({ model: "gpt-4o" }) from @inngest/ai, or { url, authKey, format }.`)
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new TypeError(`step "${stepId}": step.ai.infer's body must be an object (the provider's request body).`)
  const modelCopy = { ...model }
  model.onCall?.(modelCopy, body)
  return {
    url: modelCopy.url!,
    headers: { 'content-type': 'application/json', ...inferAuthHeaders(modelCopy.format, modelCopy.authKey), ...modelCopy.headers },
    body: JSON.stringify(body),
  }
}

/** Sends the request; a non-2xx answer fails the step (retried as any step). */
export async function sendInferRequest(request: InferRequest, stepId: string): Promise<unknown> {
  const response = await fetch(request.url, { method: 'POST', headers: request.headers, body: request.body })
  const text = await response.text()
  if (!response.ok) throw new Error(`step "${stepId}": the model answered ${response.status}: ${text.slice(0, 500)}`)
  try {
    return JSON.parse(text)
  } catch {
    throw new Error(`step "${stepId}": the model's answer is not JSON: ${text.slice(0, 200)}`)
  }
}

/** The model helpers the official `step.ai.models` has; here each names where to import it from. */
const MODEL_HELPERS = ['openai', 'anthropic', 'gemini', 'grok', 'azureOpenai', 'deepseek'] as const

/**
 * `step.ai.models`: the official SDK re-exports `@inngest/ai`'s model helpers there; this package
 * does not depend on `@inngest/ai`. Each helper throws a TypeError naming the import to use.
 */
export const unavailableModels: Record<(typeof MODEL_HELPERS)[number], (...args: unknown[]) => never> = Object.fromEntries(
  MODEL_HELPERS.map((name) => [
    name,
    () => {
      throw new TypeError(`step.ai.models.${name}() is not available here. Fix: import { ${name} } from '@inngest/ai' (installed with the official inngest package, or add it) and pass ${name}({ model, apiKey }) as the model.`)
    },
  ]),
) as Record<(typeof MODEL_HELPERS)[number], (...args: unknown[]) => never>
