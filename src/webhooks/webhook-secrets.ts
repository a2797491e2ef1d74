/**
 * Reading a webhook's secrets from the worker's env on each delivery, so a rotated secret
 * (`wrangler secret put`) applies without a redeploy of code.
 */
import type { WebhookSecret } from './webhook-types.js'

/** The secrets found and where they were looked for, for the error when there are none. */
export interface ResolvedSecrets {
  readonly secrets: string[]
  /** `STRIPE_WEBHOOK_SECRET`, `A or B`, or `the secret function`. */
  readonly source: string
}

/** A Secrets Store binding: its value comes from `get()`. */
const isSecretsStoreBinding = (value: unknown): value is { get(): Promise<string> } =>
  typeof value === 'object' && value !== null && typeof (value as { get?: unknown }).get === 'function'

async function readEnvSecret(env: Readonly<Record<string, unknown>>, name: string): Promise<string | undefined> {
  const value = env[name]
  if (typeof value === 'string') return value
  if (isSecretsStoreBinding(value)) return value.get()
  return undefined
}

/** The non-empty secrets `secret` stands for in `env`, in the order declared. */
export async function resolveSecrets(secret: WebhookSecret, env: Readonly<Record<string, unknown>>): Promise<ResolvedSecrets> {
  if (typeof secret === 'function') {
    const given = await secret(env)
    const secrets = (given === undefined ? [] : typeof given === 'string' ? [given] : [...given]).filter((value) => typeof value === 'string' && value.length > 0)
    return { secrets, source: 'the secret function' }
  }
  const names = typeof secret === 'string' ? [secret] : secret
  const values = await Promise.all(names.map((name) => readEnvSecret(env, name)))
  return { secrets: values.filter((value): value is string => !!value), source: names.join(' or ') }
}
