/**
 * A hostile battery against the Event API (`POST /e/:key`): every event it accepts reaches a run,
 * every event it refuses gets a 400 naming the field and the fix, and nothing of a refused
 * request is stored. Then the pure validator and the pieces it is built from.
 */
import { encodeTime } from 'ulid'
import { describe, expect, it, vi } from 'vitest'
import { deriveRunId, publishEvents } from '../../actors/internal.js'
import { nestingProblem } from '../../actors/events/json-depth.js'
import { MAX_DATA_DEPTH, MAX_EVENT_TS, MIN_EVENT_TS, prepareEvents } from '../../actors/events/prepare-events.js'
import { firstUnprintable } from '../../actors/events/unprintable-char.js'
import { inngestRoutes } from '../../src/hono.js'
import { Inngest } from '../../src/index.js'
import { uniqueLabel } from '../fixtures/probes.js'
import { AUTH, request, runIdFor, runStub, testEnv, waitForRun } from '../fixtures/runs.js'

/** Events named `fan/…` start `shop-fan-b` (trigger `fan/*`) and nothing else. */
const FAN = 'shop-fan-b'
type Event = Record<string, unknown>

const post = (body: unknown) => request('/e/test-event-key', { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) })
const getEvent = (id: string) => request(`/v1/events/${encodeURIComponent(id)}`, { headers: AUTH })

/** Whether an id can be put in a URL (a lone surrogate cannot be percent-encoded). */
function fetchable(id: string): boolean {
  try {
    encodeURIComponent(id)
    return true
  } catch {
    return false
  }
}

/** An object `depth` levels deep (`{}` is 1), built without recursion. */
function nested(depth: number, leaf: Record<string, unknown> = {}): Record<string, unknown> {
  let value = leaf
  for (let level = 1; level < depth; level++) value = { a: value }
  return value
}

/** JSON text of `nested(depth)`, written out: stringifying thousands of levels overflows the stack. */
const deepJson = (depth: number) => `${'{"a":'.repeat(depth - 1)}{}${'}'.repeat(depth - 1)}`
/** In an event given to `expectRefused`, the place `deep` is written into the JSON text. */
const DEEP = '(deep)'

/** Posts `events`, expects them all accepted, and waits for each one's run of `shop-fan-b` to complete. */
async function expectRuns(events: Event | Event[]): Promise<string[]> {
  const response = await post(events)
  const body = (await response.json()) as { ids: string[]; status: number }
  expect(body, JSON.stringify(body).slice(0, 300)).toEqual({ ids: expect.any(Array), status: 200 })
  for (const id of body.ids) {
    expect((await getEvent(id)).status).toBe(200)
    await waitForRun(await runIdFor(id, FAN), (run) => run.status === 'Completed')
  }
  return body.ids
}

/**
 * Posts a valid event followed by `bad` (so the bad one is `event[1]`) and expects the whole
 * request refused in the Event API's 400 shape, naming `field`; neither event is stored or run.
 */
async function expectRefused(bad: Event, field: string, error: RegExp | string, fix?: RegExp, deep = 0) {
  const good = { name: uniqueLabel('fan/companion'), id: uniqueLabel('companion'), ts: Date.now(), data: {} }
  const badId = uniqueLabel('refused')
  const response = await post(JSON.stringify([good, { id: badId, ...bad }]).replace(JSON.stringify(DEEP), deep ? deepJson(deep) : '{}'))
  const body = (await response.json()) as Record<string, unknown>
  expect(response.status).toBe(400)
  expect(Object.keys(body).sort()).toEqual(['error', 'field', 'fix', 'ids', 'index', 'status'])
  expect(body).toMatchObject({ field, index: 1, ids: [], status: 400, fix: expect.any(String) })
  expect(body.error).toMatch(new RegExp(`^event\\[1\\]\\.${field}: `))
  expect(body.error).toMatch(error)
  if (fix) expect(body.fix).toMatch(fix)
  for (const id of [good.id, typeof bad.id === 'string' && fetchable(bad.id) ? bad.id : badId]) {
    expect((await getEvent(id)).status, `${id} is stored`).toBe(404)
  }
  expect((await runStub(await deriveRunId(good.id, FAN, good.ts)).inspect()).status).toBe('Unknown')
}

describe('the Event API accepts, and runs, every event it can run', () => {
  it('names at the limit: 256 bytes of ASCII or of CJK, emoji and surrogate pairs', async () => {
    const ascii = `fan/${'x'.repeat(252)}`
    const cjk = `fan/${'注'.repeat(84)}` // 4 + 84 × 3 bytes
    expect([new TextEncoder().encode(ascii).byteLength, new TextEncoder().encode(cjk).byteLength]).toEqual([256, 256])
    await expectRuns([{ name: ascii }, { name: cjk }, { name: 'fan/注文.作成-🎉-𝄞 with spaces', data: { text: 'line\nbreaks, NUL \u0000 and a lone \ud800 are fine in data' } }])
  })

  it('ids at the limit, in unicode, with URL characters, and fetched back by URL', async () => {
    const ids = [uniqueLabel('i').padEnd(256, 'x'), `${uniqueLabel('ключ')}/🎉?#&%20 x`, uniqueLabel('注文')]
    expect(await expectRuns(ids.map((id) => ({ name: 'fan/ids', id })))).toEqual(ids)
  })

  it('an empty id or a ts of 0 or null means "not sent", as on Inngest: a ULID and the time received', async () => {
    const before = Date.now()
    const [first, second] = await expectRuns([{ name: 'fan/defaults', id: '', ts: 0 }, { name: 'fan/defaults', id: null, ts: null, v: null }])
    for (const id of [first!, second!]) {
      expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/)
      const { data } = (await (await getEvent(id)).json()) as { data: { ts: number; v: unknown } }
      expect(data.ts).toBeGreaterThanOrEqual(before)
      expect(data.v).toBeNull()
    }
  })

  it('ts at both ends of 1980-01-01 … 2100-01-01, and a string v', async () => {
    const [early, late] = await expectRuns([{ name: 'fan/ts', ts: MIN_EVENT_TS }, { name: 'fan/ts', ts: MAX_EVENT_TS, v: '2025-01-01.1' }])
    expect(((await (await getEvent(early!)).json()) as { data: { ts: number } }).data.ts).toBe(MIN_EVENT_TS)
    expect(((await (await getEvent(late!)).json()) as { data: { ts: number; v: string } }).data).toMatchObject({ ts: MAX_EVENT_TS, v: '2025-01-01.1' })
  })

  it(`data and user nested exactly ${MAX_DATA_DEPTH} deep`, async () => {
    const [id] = await expectRuns({ name: 'fan/deep', data: nested(MAX_DATA_DEPTH, { label: 'deepest' }), user: nested(MAX_DATA_DEPTH) })
    const { data } = (await (await getEvent(id!)).json()) as { data: { data: unknown } }
    expect(data.data).toEqual(nested(MAX_DATA_DEPTH, { label: 'deepest' }))
  })

  it('a custom id that looks like a ULID past its time range (once a run-id crash)', async () => {
    const crockford = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
    const id = `Z${Array.from(crypto.getRandomValues(new Uint8Array(25)), (byte) => crockford[byte % 32]).join('')}`
    await expectRuns({ name: 'fan/ulid-like', id })
    const runs = (await (await request(`/v1/events/${id}/runs`, { headers: AUTH })).json()) as { data: unknown[] }
    expect(runs.data).toHaveLength(1)
  })

  it('an event of exactly INNGEST_MAX_EVENT_BYTES; one byte more is refused', async () => {
    const env = { ...testEnv, INNGEST_MAX_EVENT_BYTES: '1000' }
    const event = (pad: number) => ({ name: 'fan/sized', data: { pad: 'x'.repeat(pad) }, id: uniqueLabel('sized'), ts: Date.now(), user: {} })
    const fits = event(1000 - JSON.stringify(event(0)).length)
    const send = (body: unknown) => inngestRoutes().request('/e/test-event-key', { method: 'POST', body: JSON.stringify(body) }, env)
    expect((await send(fits)).status).toBe(200)
    const over = await send(event(1001 - JSON.stringify(event(0)).length))
    expect(over.status).toBe(400)
    expect(await over.json()).toMatchObject({ field: 'data', error: 'event[0].data: the event is 1001 bytes; one event can be at most 1000' })
    await waitForRun(await runIdFor(fits.id, FAN), (run) => run.status === 'Completed')
  })

  it("the runtime's own inngest/function.finished is still published for the runs it finishes", async () => {
    const [id] = await expectRuns({ name: 'fan/system' })
    const runId = await runIdFor(id!, FAN)
    await vi.waitFor(async () => expect((await getEvent(`${runId}-finished`)).status).toBe(200))
    expect(((await (await getEvent(`${runId}-finished`)).json()) as { data: { name: string } }).data.name).toBe('inngest/function.finished')
  })
})

describe('the Event API refuses what it cannot run: 400 { error, field, fix }, nothing stored', () => {
  const name = 'fan/refused'
  const ts: Array<[string, unknown, RegExp, RegExp?]> = [
    ['1e300 (past the ULID time limit)', 1e300, /outside 1980-01-01 … 2100-01-01/],
    ['2^48, the first time a ULID cannot hold', 2 ** 48, /outside/],
    ['2^48 − 1 (a ULID holds it, but it is past 2100)', 2 ** 48 - 1, /outside/],
    ['one ms past 2100-01-01', MAX_EVENT_TS + 1, /outside/],
    ['one ms before 1980-01-01', MIN_EVENT_TS - 1, /outside/],
    ['-1', -1, /outside/],
    ['1.5', 1.5, /whole number of epoch milliseconds, got 1.5/, /round/],
    ['seconds instead of milliseconds', 1_700_000_000, /outside/, /looks like seconds: multiply it by 1000/],
    ['a date string', '2025-01-01T00:00:00Z', /got a string/, /Date\.parse/],
    ['true', true, /got a boolean/],
  ]
  it.each(ts)('ts: %s', (_, value, error, fix) => expectRefused({ name, ts: value }, 'ts', error, fix))

  const names: Array<[string, unknown, RegExp]> = [
    ['empty', '', /required and must be a non-empty string/],
    ['only spaces', '   ', /only whitespace/],
    ['a tab', '\t', /only whitespace/],
    ['"*"', '*', /the wildcard of triggers/],
    ['a wildcard pattern', 'app/*', /the wildcard of triggers/],
    ['a newline', 'app/x\ny', /U\+000A \(line feed\) at index 5/],
    ['NUL', 'app/\u0000', /U\+0000 \(NUL\) at index 4/],
    ['DEL', 'app/\u007f', /U\+007F \(DEL\)/],
    ['a C1 control character', 'app/\u0085', /U\+0085 \(a control character\)/],
    ['a line separator', 'app/\u2028x', /U\+2028 \(line separator\)/],
    ['a lone high surrogate', 'app/\ud83dx', /U\+D83D \(a lone UTF-16 surrogate\) at index 4/],
    ['a lone low surrogate', 'app/\ude00', /U\+DE00 \(a lone UTF-16 surrogate\)/],
    ['257 bytes', `fan/${'x'.repeat(253)}`, /longer than 256 bytes/],
    ['257 bytes of CJK', `fan/${'注'.repeat(84)}x`, /longer than 256 bytes/],
    ['a number', 42, /required and must be a non-empty string/],
    ['inngest/function.finished', 'inngest/function.finished', /"inngest\/function\.finished" is reserved/],
    ['inngest/function.failed', 'inngest/function.failed', /is reserved/],
    ['inngest/function.invoked', 'inngest/function.invoked', /is reserved/],
    ['inngest/scheduled.timer', 'inngest/scheduled.timer', /is reserved/],
    ['anything under inngest/', 'inngest/custom', /names starting with "inngest\/"/],
  ]
  it.each(names)('name: %s', (_, value, error) => expectRefused({ name: value }, 'name', error))

  const ids: Array<[string, unknown, RegExp]> = [
    ['a number', 123, /id must be a string, got a number/],
    ['an object', { key: 1 }, /got an object/],
    ['only spaces', '   ', /only whitespace/],
    ['NUL', 'order\u00001', /U\+0000 \(NUL\) at index 5/],
    ['a newline', 'order\n1', /U\+000A/],
    ['a carriage return', 'order\r1', /U\+000D \(carriage return\)/],
    ['a lone surrogate', 'order-\udfff', /lone UTF-16 surrogate/],
    ['257 bytes', 'x'.repeat(257), /id is 257 bytes; at most 256/],
    ['258 bytes of two-byte characters', 'é'.repeat(129), /id is 258 bytes/],
  ]
  it.each(ids)('id: %s', (_, value, error) => expectRefused({ name, id: value }, 'id', error))

  const versions: Array<[string, unknown, RegExp]> = [
    ['a number', 2, /v must be a string .*got a number/],
    ['a boolean', true, /got a boolean/],
    ['an object', {}, /got an object/],
    ['an array', ['1'], /got an array/],
  ]
  it.each(versions)('v: %s', (_, value, error) => expectRefused({ name, v: value }, 'v', error))

  const depths: Array<[string, 'data' | 'user', number]> = [
    ['data one level past the limit', 'data', MAX_DATA_DEPTH + 1],
    ['data 2,500 deep (once a stack overflow in the stream)', 'data', 2_500],
    ['data 4,500 deep (once a 500)', 'data', 4_500],
    ['data 10,000 deep (once "data is not JSON")', 'data', 10_000],
    ['user one level past the limit', 'user', MAX_DATA_DEPTH + 1],
    ['user 5,000 deep', 'user', 5_000],
  ]
  it.each(depths)('%s', (_, field, depth) => expectRefused({ name, [field]: DEEP }, field, `${field} is nested more than ${MAX_DATA_DEPTH} levels deep`, /flatten/, depth))

  it('a body of arrays nested 50,000 deep is no event: 400 at event[0]', async () => {
    const response = await post(`${'['.repeat(50_000)}${']'.repeat(50_000)}`)
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({ error: 'event[0]: an event must be a JSON object', field: '', index: 0, fix: expect.any(String), ids: [], status: 400 })
  })

  it('a parser giving up on depth answers "nested too deep", not "not JSON"', async () => {
    // V8 parses any depth; a parser with a depth limit throws RangeError, as JSON.stringify does.
    const body = JSON.stringify({ name: uniqueLabel('fan/too-deep-to-parse') })
    const original = JSON.parse
    const parse = vi.spyOn(JSON, 'parse').mockImplementation((text, reviver) => {
      if (text === body) throw new RangeError('Maximum call stack size exceeded')
      return original(text, reviver)
    })
    const response = await post(body)
    parse.mockRestore()
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({ error: 'body is nested too deep to parse', field: 'body', fix: `keep data and user at most ${MAX_DATA_DEPTH} levels deep`, ids: [], status: 400 })
  })
})

describe('GET /v1/events/:id/runs never answers 500', () => {
  it('lists the runs of an event stored with a ts no ULID can hold (stored before ts was checked)', async () => {
    const id = uniqueLabel('legacy-ts')
    await publishEvents(testEnv, [{ name: 'fan/legacy', id, ts: 1e300, data: {}, user: {} }])
    await vi.waitFor(async () => {
      const response = await request(`/v1/events/${id}/runs`, { headers: AUTH })
      expect(response.status).toBe(200)
      expect(((await response.json()) as { data: unknown[] }).data).toHaveLength(1)
    })
  })

  it('answers 404 for an unknown id shaped like a ULID whose time overflows', async () => {
    const response = await request('/v1/events/ZZZZZZZZZZZZZZZZZZZZZZZZZZ/runs', { headers: AUTH })
    expect(response.status).toBe(404)
  })
})

describe('inngest.send and step.sendEvent share the validator', () => {
  const client = new Inngest({ id: 'battery' })
  client.createFunction({ id: 'forger', retries: 0 }, { event: 'battery/forge' }, async ({ step }) => step.sendEvent('forge', { name: 'inngest/function.finished', data: { run_id: 'someone-else' } }))

  it('inngest.send refuses a reserved name before sending anything', async () => {
    await expect(client.send({ name: 'inngest/function.finished', data: {} })).rejects.toThrow(/inngest\.send: event\[0\]\.name: name "inngest\/function\.finished" is reserved.*Fix: use your own prefix/)
    await expect(client.send({ name: 'fan/x', data: nested(MAX_DATA_DEPTH + 1) })).rejects.toThrow(TypeError)
  })

  it('step.sendEvent refuses one too: the run fails, naming the step', async () => {
    const [id] = ((await (await post({ name: 'battery/forge' })).json()) as { ids: string[] }).ids
    const runId = await runIdFor(id!, 'battery-forger')
    const run = await waitForRun(runId, (r) => r.status === 'Failed')
    expect(JSON.stringify(run.snapshot?.context.error)).toMatch(/step \\"forge\\": event\[0\]\.name: name \\"inngest\/function\.finished\\" is reserved/)
  })
})

describe('prepareEvents (pure)', () => {
  const now = Date.UTC(2025, 5, 1)
  const prepare = (event: Event) => prepareEvents(event, now)
  const problem = (event: Event) => {
    const prepared = prepare(event)
    return prepared.ok ? undefined : prepared.problem
  }

  it('reads an empty id, a null id, ts 0 and ts null as "not sent"', () => {
    for (const event of [{ name: 'a/b', id: '', ts: 0 }, { name: 'a/b', id: null, ts: null }]) {
      const prepared = prepare(event)
      expect(prepared.ok && prepared.events[0]).toMatchObject({ ts: now, id: expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/) })
    }
  })

  it('reserves "inngest/" exactly as Inngest does (case-sensitive prefix)', () => {
    expect(problem({ name: 'inngest/function.finished' })).toMatchObject({ field: 'name', error: expect.stringContaining('reserved') })
    expect(problem({ name: 'Inngest/function.finished' })).toBeUndefined()
    expect(problem({ name: 'app/inngest/x' })).toBeUndefined()
  })

  it('names a circular data (from user code) as such, before anything stringifies it', () => {
    const data: Record<string, unknown> = { label: 'loop' }
    data.self = data
    expect(problem({ name: 'a/b', data })).toMatchObject({ field: 'data', error: 'data contains a circular reference' })
  })

  it('checks depth before size: a million levels deep is refused without a stack overflow', () => {
    expect(problem({ name: 'a/b', data: nested(1_000_000) })).toMatchObject({ field: 'data', error: `data is nested more than ${MAX_DATA_DEPTH} levels deep` })
  })

  it('reports the first bad event of a batch by index', () => {
    expect(prepareEvents([{ name: 'a/b' }, { name: 'a/b' }, { name: 'a/b', ts: -1 }], now)).toMatchObject({ ok: false, problem: { index: 2, field: 'ts' } })
  })
})

describe('nestingProblem', () => {
  it('counts {} as 1 deep and arrays like objects', () => {
    expect(nestingProblem({}, 1)).toBeUndefined()
    expect(nestingProblem({ a: [] }, 1)).toEqual({ kind: 'too-deep' })
    expect(nestingProblem({ a: [{ b: 1 }] }, 3)).toBeUndefined()
    expect(nestingProblem([[[1]]], 2)).toEqual({ kind: 'too-deep' })
    expect(nestingProblem('text', 0)).toBeUndefined()
  })

  it('finds the deep branch among shallow ones', () => {
    // The root (1), the array (2), then five levels (3 … 7).
    expect(nestingProblem({ a: 1, b: { c: 2 }, d: [nested(5)] }, 7)).toBeUndefined()
    expect(nestingProblem({ a: 1, b: { c: 2 }, d: [nested(5)] }, 6)).toEqual({ kind: 'too-deep' })
  })

  it('tells a value shared by two branches from a cycle', () => {
    const shared = { x: 1 }
    expect(nestingProblem({ a: shared, b: [shared, shared] }, 10)).toBeUndefined()
    const loop: unknown[] = []
    loop.push({ back: loop })
    expect(nestingProblem({ loop }, 10)).toEqual({ kind: 'circular' })
  })
})

describe('firstUnprintable', () => {
  it('accepts printable text, emoji and CJK (surrogate pairs included)', () => {
    for (const text of ['app/user.created', 'fan/注文 🎉 𝄞', ' spaced ', 'é']) expect(firstUnprintable(text)).toBeUndefined()
  })

  it('names the first control character or lone surrogate and where it is', () => {
    expect(firstUnprintable('ab\u0000')).toEqual({ index: 2, description: 'U+0000 (NUL)' })
    expect(firstUnprintable('\u001b[31m')).toEqual({ index: 0, description: 'U+001B (a control character)' })
    expect(firstUnprintable('x\u2029')).toEqual({ index: 1, description: 'U+2029 (paragraph separator)' })
    expect(firstUnprintable('🎉\ud83d')).toEqual({ index: 2, description: 'U+D83D (a lone UTF-16 surrogate)' })
    expect(firstUnprintable('\udc00🎉')).toEqual({ index: 0, description: 'U+DC00 (a lone UTF-16 surrogate)' })
  })
})

describe('deriveRunId', () => {
  it('never throws, whatever ts or id a stored event carries', async () => {
    for (const ts of [1e300, 2 ** 48, -5, Number.NaN, Number.POSITIVE_INFINITY, 1.5]) {
      await expect(deriveRunId('some-id', 'fn', ts)).resolves.toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/)
    }
    await expect(deriveRunId('ZZZZZZZZZZZZZZZZZZZZZZZZZZ', 'fn', now())).resolves.toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/)
  })

  it('keeps the ids of valid events unchanged (their runs are found again)', async () => {
    expect(await deriveRunId('order-1', 'fn', 1_700_000_000_123)).toBe(await deriveRunId('order-1', 'fn', 1_700_000_000_123))
    expect((await deriveRunId('order-1', 'fn', 1_700_000_000_123)).slice(0, 10)).toBe(encodeTime(1_700_000_000_123, 10))
    const ulid = '01HF7YAT0V8Q3W9D4E5F6G7H8J'
    expect((await deriveRunId(ulid, 'fn', 5)).slice(0, 10)).toBe(ulid.slice(0, 10))
  })
})

function now(): number {
  return Date.now()
}
