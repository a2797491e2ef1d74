/**
 * Syncs as the server sees them: the SDK's function config turned into the engine's options,
 * each bad function refused on its own, ids the worker's own code holds refused, and apps that
 * answer outside the protocol failing their runs with a clear error.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { useAppFetch } from '../../actors/apps/synced-functions.js'
import { convertSyncedFunctions, DEFAULT_SYNCED_RETRIES } from '../../src/server/sync-to-options.js'
import { AUTH, request, runIdFor, sendEvent, waitForRun } from '../fixtures/runs.js'

const url = (fnId: string) => `http://fake-app.test/api/inngest?fnId=${fnId}&stepId=step`
const fn = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  name: id,
  triggers: [{ event: `fake/${id}` }],
  steps: { step: { id: 'step', name: 'step', runtime: { type: 'http', url: url(id) } } },
  ...extra,
})

describe('a synced function config', () => {
  it('becomes FunctionOptions through createFunction’s validation', () => {
    const { functions, refused } = convertSyncedFunctions('app', [
      fn('app-a', {
        triggers: [{ event: 'x/y', expression: 'event.data.ok == true' }, { cron: 'TZ=Europe/Paris 0 9 * * *' }],
        steps: { step: { runtime: { type: 'http', url: url('app-a') }, retries: { attempts: 7 } } },
        concurrency: [{ limit: 2, key: 'event.data.u' }],
        throttle: { limit: 1, period: '5s', burst: 2, key: 'event.data.u' },
        cancel: [{ event: 'x/cancel', timeout: '1d', if: 'event.data.u == async.data.u' }],
      }),
    ])
    expect(refused).toEqual([])
    const [a] = functions
    expect(a).toMatchObject({ compositeId: 'app-a', slug: 'a', url: url('app-a') })
    expect(a!.options.triggers).toEqual([{ event: 'x/y', if: 'event.data.ok == true' }, { cron: 'TZ=Europe/Paris 0 9 * * *' }])
    expect(a!.options.retry.attempts).toBe(8)
    expect(a!.options.flow).toMatchObject({ concurrency: [{ limit: 2, key: 'event.data.u', scope: 'fn' }], throttle: { limit: 1, periodMs: 5_000, burst: 2 } })
    expect(a!.options.cancelOn).toEqual([{ event: 'x/cancel', if: 'event.data.u == async.data.u', timeoutMs: 86_400_000 }])
  })

  it('retries 4 times when the SDK sets no retries (Inngest’s default)', () => {
    expect(convertSyncedFunctions('app', [fn('app-b')]).functions[0]!.options.retry.attempts).toBe(DEFAULT_SYNCED_RETRIES + 1)
  })

  it('refuses a function that cannot work, naming the field and the fix, and keeps the others', () => {
    const { functions, refused } = convertSyncedFunctions('app', [fn('app-ok'), fn('app-bad', { throttle: { limit: 1, period: 'soon' } }), fn('app-ws', { steps: { step: { runtime: { type: 'ws', url: 'x' } } } })])
    expect(functions.map((f) => f.compositeId)).toEqual(['app-ok'])
    expect(refused).toEqual([
      expect.objectContaining({ compositeId: 'app-bad', field: 'throttle.period' }),
      expect.objectContaining({ compositeId: 'app-ws', field: 'steps.step.runtime' }),
    ])
  })

  it('links the SDK’s onFailure function to its function, started by the failure only', () => {
    const failure = fn('app-c-failure', { triggers: [{ event: 'inngest/function.failed', expression: "event.data.function_id == 'app-c'" }] })
    const { functions } = convertSyncedFunctions('app', [fn('app-c'), failure])
    expect(functions[1]).toMatchObject({ compositeId: 'app-c-failure', failureOf: 'app-c', options: { triggers: [] } })
  })
})

describe('POST /fn/register', () => {
  const register = (body: unknown, headers: Record<string, string> = AUTH) => request('/fn/register', { method: 'POST', headers, body: JSON.stringify(body) })

  it('refuses a sync without the signing key outside dev mode, with a status the SDK reads', async () => {
    const response = await register({ url: 'http://fake-app.test/api/inngest', appName: 'fake', functions: [] }, {})
    expect(response.status).toBe(401)
    expect(await response.json()).toMatchObject({ status: 401, error: expect.stringMatching(/Unauthorized/) })
  })

  it('syncs the good functions and refuses the rest, and an id the worker’s own code holds', async () => {
    const body = { url: 'http://fake-app.test/api/inngest', appName: 'shop', sdk: 'js:v4.24.0', functions: [fn('shop-hello-world'), fn('shop-synced-one'), fn('shop-bad', { rateLimit: { limit: 0, period: '1h' } })] }
    const response = await register(body)
    const reply = (await response.json()) as { status: number; functions: string[]; refused: Array<{ compositeId: string; error: string }>; error: string }
    expect(response.status).toBe(400)
    expect(reply.status).toBe(400)
    expect(reply.functions).toEqual(['shop-synced-one'])
    expect(reply.refused.map((r) => r.compositeId)).toEqual(['shop-bad', 'shop-hello-world'])
    expect(reply.error).toMatch(/synced 1 function\(s\), refused 2/)
  })
})

describe('an app that answers outside the protocol', () => {
  afterAll(() => useAppFetch(undefined))

  it('fails the run with an error naming the problem (signed mode: an unsigned reply is not trusted)', async () => {
    useAppFetch((async () => new Response('<html>hello</html>', { status: 200 })) as unknown as typeof fetch)
    const synced = await request('/fn/register', { method: 'POST', headers: AUTH, body: JSON.stringify({ url: 'http://fake-app.test/api/inngest', appName: 'fake', functions: [fn('fake-html', { steps: { step: { runtime: { url: url('fake-html') }, retries: { attempts: 0 } } } })] }) })
    expect(synced.status).toBe(200)
    const runId = await runIdFor(await sendEvent('fake/fake-html', {}), 'fake-html')
    const run = await waitForRun(runId, (r) => r.status === 'Failed', 10_000)
    expect(run.snapshot?.context.error).toMatchObject({ name: 'UntrustedReplyError', message: expect.stringMatching(/not trusted: it has no X-Inngest-Signature header/) })
  })
})
