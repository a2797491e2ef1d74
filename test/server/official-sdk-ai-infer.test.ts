/**
 * `step.ai.infer` in a synced function (the AIGateway op) with the real v4 SDK and its model
 * helpers: the run's object makes the model call with the format's auth header, once; the
 * provider's JSON is the step's result; a failing model fails the step (a StepError the handler
 * can catch) once the attempts are spent. The "provider" answers inside the test.
 */
import { describe, expect, it } from 'vitest'
import { hit, hits, uniqueLabel } from '../fixtures/probes.js'
import { runIdFor, sendEvent, waitForRun } from '../fixtures/runs.js'
import { APP_URL, officialClient, servedApp, useSyncedApps } from './official-app.js'

const client = officialClient('wk-ai')
type Data = { label: string; provider: 'openai' | 'anthropic' | 'down' }

const asker = client.createFunction({ id: 'asker', retries: 0, triggers: { event: 'wk-ai/ask' } }, async ({ event, step }) => {
  const { label, provider } = event.data as Data
  const models = step.ai.models
  const model =
    provider === 'anthropic'
      ? models.anthropic({ model: 'claude-test', apiKey: 'ant-key', baseUrl: 'http://model.test/anthropic/', defaultParameters: { max_tokens: 16 } })
      : models.openai({ model: 'gpt-test', apiKey: 'oai-key', baseUrl: `http://model.test/${provider}/` })
  try {
    const answer = await step.ai.infer('ask', { model, body: { messages: [{ role: 'user', content: label }] } as never })
    return step.run('after', () => answer as unknown)
  } catch (error) {
    return { failed: (error as Error).message }
  }
})
const app = servedApp(client, [asker])

/** The model provider: echoes what it was sent, with the auth it got; `/down/…` answers 500. */
async function provider(request: Request): Promise<Response> {
  const url = new URL(request.url)
  const body = (await request.json()) as { model: string; messages: Array<{ content: string }> }
  hit(`model:${body.messages[0]!.content}`)
  if (url.pathname.startsWith('/down/')) return new Response('overloaded', { status: 500 })
  return Response.json({ path: url.pathname, model: body.model, auth: request.headers.get('authorization') ?? request.headers.get('x-api-key'), said: body.messages[0]!.content })
}

const routed = ((input: RequestInfo | URL, init?: RequestInit) => {
  const request = new Request(input, init)
  return new URL(request.url).host === 'model.test' ? provider(request) : app(request)
}) as typeof fetch

describe('step.ai.infer in a synced function', () => {
  useSyncedApps(routed, [[app, APP_URL]])

  it('calls an OpenAI-format model once with its Bearer key, and hands back its JSON', async () => {
    const label = uniqueLabel('hello')
    const run = await waitForRun(await runIdFor(await sendEvent('wk-ai/ask', { label, provider: 'openai' }), 'wk-ai-asker'), (r) => r.status === 'Completed', 10_000)
    expect(run.output).toEqual({ path: '/openai/chat/completions', model: 'gpt-test', auth: 'Bearer oai-key', said: label })
    expect(run.steps.map((s) => [s.id, s.status])).toEqual([
      ['ask', 'completed'],
      ['after', 'completed'],
    ])
    expect(hits(`model:${label}`)).toBe(1)
  })

  it('sends an Anthropic-format model its key as x-api-key', async () => {
    const label = uniqueLabel('bonjour')
    const run = await waitForRun(await runIdFor(await sendEvent('wk-ai/ask', { label, provider: 'anthropic' }), 'wk-ai-asker'), (r) => r.status === 'Completed', 10_000)
    expect(run.output).toMatchObject({ path: '/anthropic/messages', model: 'claude-test', auth: 'ant-key', said: label })
  })

  it('fails the step when the model answers an error, on the last attempt, as a StepError the handler catches', async () => {
    const label = uniqueLabel('down')
    const run = await waitForRun(await runIdFor(await sendEvent('wk-ai/ask', { label, provider: 'down' }), 'wk-ai-asker'), (r) => r.status === 'Completed', 10_000)
    expect(run.output).toEqual({ failed: expect.stringContaining('the model answered 500: overloaded') })
  })
})
