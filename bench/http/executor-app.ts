/**
 * The http-executor scenario's app: functions on the official Inngest SDK (v4), served with
 * `inngest/node` on PORT and pointed at inngest.do by `INNGEST_DEV=<worker url>` alone, as a user
 * runs it. Each function comes three times: `…-on` with the SDK's default (checkpointing on: the
 * SDK runs steps in-process and posts each to `/v1/checkpoint/:runId/async` when the server's
 * call allows it), `…-buffered` with `checkpointing: { bufferedSteps: 10 }` (one post per ten
 * steps) and `…-off` with `checkpointing: false` (one step per call).
 *
 * It counts the HTTP it sees, for the scenario to diff around each run (GET /counts):
 * - received: the server's calls (`POST …?fnId=&stepId=`), by function, discovery
 *   (`stepId=step`) or a planned step (its hash), and the time spent answering them;
 * - sent: the SDK's own requests to the server (through the client's `fetch`), by kind and status,
 *   and the time it waited for their answers (headers: the SDK reads small bodies at once).
 *
 * Self-contained (Node runs it with type stripping: only `inngest` and `node:` imports).
 */
import { createServer } from 'node:http'
import { Inngest } from 'inngest'
import { serve } from 'inngest/node'

/** Per function: the server's calls and the ms spent answering them. */
interface Received {
  discovery: number
  planned: number
  handlerMs: number
}

const received: Record<string, Received> = {}
/** The SDK's requests to the server, by kind (`checkpoint-async`, `runs-api`, …) and by `kind status`. */
const sent: Record<string, number> = {}
const sentStatus: Record<string, number> = {}
/** ms the SDK waited for the server's answers, by kind. */
const sentMs: Record<string, number> = {}

const bump = (table: Record<string, number>, key: string) => (table[key] = (table[key] ?? 0) + 1)

/** What an SDK request to the server is, from its path. */
function requestKind(url: string): string {
  const path = new URL(url).pathname
  if (/^\/v1\/checkpoint\/[^/]+\/async$/.test(path)) return 'checkpoint-async'
  if (/^\/v1\/checkpoint\/[^/]+\/steps$/.test(path)) return 'checkpoint-steps'
  if (path === '/v1/checkpoint') return 'checkpoint-new'
  if (path.startsWith('/v0/runs/')) return 'runs-api'
  if (path === '/fn/register') return 'register'
  return `other ${path}`
}

/** The client's `fetch`: counts each request by kind, and its answer's status. */
const countingFetch: typeof fetch = async (input, init) => {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
  const kind = requestKind(url)
  bump(sent, kind)
  const startedAt = performance.now()
  try {
    const response = await fetch(input, init)
    bump(sentStatus, `${kind} ${response.status}`)
    return response
  } catch (error) {
    bump(sentStatus, `${kind} network error`)
    throw error
  } finally {
    sentMs[kind] = (sentMs[kind] ?? 0) + performance.now() - startedAt
  }
}

const inngest = new Inngest({ id: 'bench-executor', fetch: countingFetch })

type BenchData = { data: { steps?: number; sleeps?: number; sleep?: string } }

const CHECKPOINTING = { on: {}, buffered: { checkpointing: { bufferedSteps: 10 } }, off: { checkpointing: false } } as const

/** The three functions, for one checkpointing setting. */
function functionsFor(setting: keyof typeof CHECKPOINTING) {
  const options = (id: string) => ({ id: `${id}-${setting}`, triggers: { event: `bench-executor/${id}-${setting}` }, ...CHECKPOINTING[setting] })
  const oneStep = inngest.createFunction(options('one-step'), async ({ step }) => step.run('s0', () => 0))
  /** `steps` steps in sequence, step `i` returning `i` (the in-process program's shape). */
  const steps = inngest.createFunction(options('steps'), async ({ event, step }) => {
    const count = (event as unknown as BenchData).data.steps ?? 100
    let total = 0
    for (let i = 0; i < count; i++) total += await step.run(`s${i}`, () => i)
    return total
  })
  /** `sleeps + 1` steps with a sleep between each two: `sleeps` suspensions. */
  const sleeps = inngest.createFunction(options('sleeps'), async ({ event, step }) => {
    const { sleeps: count = 3, sleep = '1s' } = (event as unknown as BenchData).data
    let total = 0
    for (let i = 0; i <= count; i++) {
      total += await step.run(`s${i}`, () => i)
      if (i < count) await step.sleep(`z${i}`, sleep)
    }
    return total
  })
  return [oneStep, steps, sleeps]
}

const handler = serve({ client: inngest, functions: [...functionsFor('on'), ...functionsFor('buffered'), ...functionsFor('off')] })

const server = createServer((req, res) => {
  if (req.url === '/counts') {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ received, sent, sentStatus, sentMs }))
    return
  }
  const query = new URL(req.url ?? '/', 'http://app').searchParams
  const fnId = query.get('fnId')
  if (req.method === 'POST' && fnId) {
    const startedAt = performance.now()
    const entry = (received[fnId] ??= { discovery: 0, planned: 0, handlerMs: 0 })
    if (query.get('stepId') === 'step' || !query.get('stepId')) entry.discovery++
    else entry.planned++
    res.once('finish', () => (entry.handlerMs += performance.now() - startedAt))
  }
  return handler(req, res)
})
// The server calls over keep-alive connections; answer on them as long as it keeps them.
server.keepAliveTimeout = 60_000
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log(`official app ready (bench executor app) on http://127.0.0.1:${process.env.PORT}/api/inngest`))
