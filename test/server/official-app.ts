/**
 * An app built on the official Inngest SDK (v4, `inngest/cloudflare`), served in this isolate:
 * its client reaches the test worker through `exports.default`, and the executor reaches the app
 * through `useAppFetch` (set by the test file that syncs it).
 */
import { exports } from 'cloudflare:workers'
import { afterAll, beforeAll } from 'vitest'
import { useAppFetch } from '../../actors/apps/synced-functions.js'
import { Inngest, type InngestFunction } from 'inngest'
import { serve } from 'inngest/cloudflare'

export const SIGNING_KEY = 'signkey-test-0123456789' // test/wrangler.toml
export const worker = (exports as unknown as { default: Fetcher }).default
export const APP_URL = 'http://official-app.test/api/inngest'

/** A v4 client pointed at the test worker. */
export function officialClient(id: string, signingKey = SIGNING_KEY) {
  return new Inngest({ id, signingKey, baseUrl: 'http://inngest.test', fetch: ((input: RequestInfo | URL, init?: RequestInit) => worker.fetch(input, init)) as typeof fetch })
}

/** The app's `/api/inngest` handler as a fetch. */
export function servedApp(client: ReturnType<typeof officialClient>, functions: readonly InngestFunction.Any[]): typeof fetch {
  // The Workers form of the adapter's handler, (request, env); its declared type is a union of both forms.
  const handler = serve({ client, functions: [...functions] }) as unknown as (request: Request, env: Record<string, string>) => Promise<Response>
  // The adapter builds its URL against the Host header, as a platform sets it.
  return ((input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init)
    const headers = new Headers(request.headers)
    headers.set('host', new URL(request.url).host)
    return handler(new Request(request, { headers }), {})
  }) as typeof fetch
}

/** Syncs the app `serve` answers for at `url` (a PUT: the SDK registers out of band); throws unless it registered. */
export async function syncServedApp(serve: typeof fetch, url = APP_URL): Promise<void> {
  const reply = (await (await serve(url, { method: 'PUT' })).json()) as { message?: string }
  if (reply.message !== 'Successfully registered') throw new Error(`the app at ${url} did not sync: ${JSON.stringify(reply)}`)
}

/**
 * For the enclosing describe block: the executor reaches apps through `network`, and each app of
 * `apps` (its handler and URL; by default `network` itself at APP_URL) is synced before the tests.
 */
export function useSyncedApps(network: typeof fetch, apps: ReadonlyArray<readonly [typeof fetch, string]> = [[network, APP_URL]]): void {
  beforeAll(async () => {
    useAppFetch(network)
    for (const [serve, url] of apps) await syncServedApp(serve, url)
  })
  afterAll(() => useAppFetch(undefined))
}
