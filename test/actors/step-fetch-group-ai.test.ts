/**
 * `step.fetch`, the ambient `step`/`group`/`fetch` exports and `step.ai`
 * (test/fixtures/step-fetch-group-ai-functions.ts holds the functions and serves the fake hosts
 * offline). The run's object is evicted between passes: replays come from storage.
 */
import { evictDurableObject, runDurableObjectAlarm } from 'cloudflare:test'
import { anthropic, gemini, openai } from '@inngest/ai'
import { describe, expect, it } from 'vitest'
import { buildInferRequest } from '../../actors/engine/ai-step.js'
import { experiment, fetch as ambientFetch, group, step } from '../../src/index.js'
import { hits, uniqueLabel } from '../fixtures/probes.js'
import { served } from '../fixtures/step-fetch-group-ai-functions.js'
import { stateOf, testEnv, trigger, waitForRun } from '../fixtures/runs.js'

const rawStub = (runId: string) => testEnv.INNGEST_RUNS.get(testEnv.INNGEST_RUNS.idFromName(runId))

async function evictAndFireAlarm(runId: string): Promise<void> {
  await evictDurableObject(rawStub(runId))
  expect(await runDurableObjectAlarm(rawStub(runId))).toBe(true)
}

describe('step.fetch', () => {
  it('makes the request once, as a step named after the host, and replays a Response with its status, headers and body', async () => {
    const label = uniqueLabel('fetch')
    const runId = await trigger('sfga/fetch', { label }, 'shop-sfga-step-fetch')
    await waitForRun(runId, (r) => stateOf(r) === 'retrying')
    await evictAndFireAlarm(runId)
    const run = await waitForRun(runId, (r) => r.status === 'Completed')
    expect(run.output).toEqual({ isResponse: true, status: 201, contentType: 'text/plain', servedBy: 'fake', text: 'hello POST /items #1' })
    expect(run.steps.map((s) => s.id)).toEqual(['step.fetch: api.fake.test', 'flaky'])
    expect(served.get(label)).toEqual([{ method: 'POST', url: `http://api.fake.test/items?label=${label}`, headers: expect.objectContaining({ 'x-token': 'secret' }), body: 'payload' }])
  })
})

describe('ambient step, group and fetch', () => {
  it('run the current run\'s steps without ctx: fetch is a step outside step bodies and a plain fetch inside them', async () => {
    const label = uniqueLabel('ambient')
    const runId = await trigger('sfga/ambient', { label }, 'shop-sfga-ambient')
    const run = await waitForRun(runId, (r) => r.status === 'Completed')
    expect(run.output).toEqual({ first: 1, fetched: 'hello GET /ambient #1', insideStep: 'hello GET /inside #2', winner: 'fast', nested: 1 })
    expect(run.steps.map((s) => s.id)).toEqual(expect.arrayContaining(['first', 'step.fetch: api.fake.test', 'inside', 'fast', 'after-race']))
    expect(served.get(label)?.map((r) => new URL(r.url).pathname)).toEqual(['/ambient', '/inside'])
  })

  it('throw outside a run, naming the fix', async () => {
    await expect(step.run('x', () => 1)).rejects.toThrow(/only be used within Inngest function executions.*Fix: call it inside a function handler/)
    await expect(group.parallel(async () => 1)).rejects.toThrow(/`group` tools can only be used within Inngest function executions/)
  })

  it('fetch falls back to the global fetch outside a run, and to nothing once the fallback is unset', async () => {
    const label = uniqueLabel('fallback')
    expect(await (await ambientFetch(`http://api.fake.test/out?label=${label}`)).text()).toBe('hello GET /out #1')
    await expect(ambientFetch.config({ fallback: undefined })('http://api.fake.test/out')).rejects.toThrow('step.fetch() called outside of a function and had no fallback set')
  })
})

describe('step.ai', () => {
  it('wrap runs once as a step; infer POSTs the body to the model with its auth, once, and returns its JSON', async () => {
    const label = uniqueLabel('ai')
    const runId = await trigger('sfga/ai', { label }, 'shop-sfga-ai')
    await waitForRun(runId, (r) => stateOf(r) === 'sleeping')
    await evictAndFireAlarm(runId)
    const run = await waitForRun(runId, (r) => r.status === 'Completed')
    expect(run.output).toEqual({ sum: 5, content: 'echo: hi' })
    expect(hits(`${label}:wrap`)).toBe(1)
    const requests = served.get(label)!
    expect(requests).toHaveLength(1)
    expect(requests[0]).toMatchObject({ method: 'POST', headers: { authorization: 'Bearer sk-test', 'content-type': 'application/json', 'x-extra': 'yes' } })
    expect(JSON.parse(requests[0]!.body)).toEqual({ messages: [{ role: 'user', content: 'hi' }], model: 'gpt-test' })
  })

  it('builds each format\'s request as the AI gateway does: where the key goes', () => {
    const body = { messages: [] }
    const headersFor = (format: string, headers?: Record<string, string>) => buildInferRequest({ url: 'https://x.test/v1', authKey: 'k', format, ...(headers ? { headers } : {}) }, body, 'ask').headers
    expect(headersFor('anthropic', { 'anthropic-version': '2023-06-01' })).toEqual({ 'content-type': 'application/json', 'x-api-key': 'k', 'anthropic-version': '2023-06-01' })
    expect(headersFor('gemini')).toEqual({ 'content-type': 'application/json' })
    expect(headersFor('azure-openai')).toEqual({ 'content-type': 'application/json', 'api-key': 'k' })
    expect(headersFor('openai-chat')).toEqual({ 'content-type': 'application/json', authorization: 'Bearer k' })
    expect(() => buildInferRequest({} as never, body, 'ask')).toThrow(/step "ask": step.ai.infer's model has no url/)
  })

  it('exports experiment, whose strategies throw a TypeError naming the fix (group.experiment is not supported)', () => {
    for (const strategy of [() => experiment.fixed('a'), () => experiment.weighted({ a: 1 }), () => experiment.bucket('user-1'), () => experiment.custom(() => 'a')]) {
      expect(strategy).toThrow(/not supported by inngest\.do yet\. Fix: pick the variant in a step/)
    }
  })

  it('has step.ai.models, whose helpers throw a TypeError naming the import from @inngest/ai', () => {
    expect(() => step.ai.models.openai({ model: 'gpt-4o' })).toThrow(TypeError)
    expect(() => step.ai.models.anthropic({ model: 'claude' })).toThrow(/Fix: import \{ anthropic \} from '@inngest\/ai'/)
  })

  it('takes the official @inngest/ai model helpers as they are', () => {
    const request = (model: unknown, body: Record<string, unknown>) => buildInferRequest(model as never, body, 'ask')
    expect(request(openai({ model: 'gpt-4o', apiKey: 'k' }), { messages: [] })).toEqual({ url: 'https://api.openai.com/v1/chat/completions', headers: { 'content-type': 'application/json', authorization: 'Bearer k' }, body: '{"messages":[],"model":"gpt-4o"}' })
    expect(request(anthropic({ model: 'claude', apiKey: 'k', defaultParameters: { max_tokens: 10 } }), { messages: [] })).toEqual({
      url: 'https://api.anthropic.com/v1/messages',
      headers: { 'content-type': 'application/json', 'x-api-key': 'k', 'anthropic-version': '2023-06-01' },
      body: '{"messages":[],"max_tokens":10,"model":"claude"}',
    })
    expect(request(gemini({ model: 'gemini-pro', apiKey: 'k' }), { contents: [] })).toEqual({ url: 'https://generativelanguage.googleapis.com/v1beta/models/gemini-pro:generateContent?key=k', headers: { 'content-type': 'application/json' }, body: '{"contents":[]}' })
  })
})
