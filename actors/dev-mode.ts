/** Whether the worker runs in dev mode (`INNGEST_DEV` "1" or "true"): no keys, no signatures, as Inngest's dev server. */
export function isDevMode(env: { readonly INNGEST_DEV?: string }): boolean {
  return env.INNGEST_DEV === '1' || env.INNGEST_DEV === 'true'
}
