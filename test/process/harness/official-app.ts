/**
 * An app built on the official Inngest SDK (v4), as a user writes it: functions served with
 * `inngest/node`'s `serve` on PORT, pointed at inngest.do by the environment alone
 * (`INNGEST_DEV=<url>` or `INNGEST_BASE_URL`). Run by Node with type stripping
 * (harness/official-app-process.ts). `GET /counts` reports how often each step body ran;
 * `GET /executions`, when each slow-steps body began and ended, and `GET /checkpoints`, what
 * each of the SDK's checkpoint posts got (the evidence of server-protocol-crash.test.ts).
 */
import { createServer } from 'node:http'
import { Inngest, NonRetriableError, referenceFunction } from 'inngest'
import { serve } from 'inngest/node'

/** Each `POST /v1/checkpoint/:runId/async` the SDK made: its status, or the error that stopped it. */
const checkpoints: Array<{ runId: string; at: number; endedAt: number; outcome: string }> = []

/** The global fetch, noting how checkpoint posts end (the SDK sends every request through it). */
const observedFetch: typeof fetch = async (input, init) => {
  const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url)
  const runId = /^\/v1\/checkpoint\/([^/]+)\/async$/.exec(url.pathname)?.[1]
  if (runId === undefined) return fetch(input, init)
  const at = Date.now()
  try {
    const response = await fetch(input, init)
    checkpoints.push({ runId, at, endedAt: Date.now(), outcome: String(response.status) })
    return response
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code
    checkpoints.push({ runId, at, endedAt: Date.now(), outcome: cause ?? (error as Error).name })
    throw error
  }
}

const inngest = new Inngest({ id: 'official-app', fetch: observedFetch })

/** Step body executions, by `<function>:<step>:<tag>`. */
const counts = new Map<string, number>()
function count(name: string): number {
  const next = (counts.get(name) ?? 0) + 1
  counts.set(name, next)
  return next
}

type Tagged = { data: { tag: string; n?: number } }

/** When each slow-steps body began and ended: `{ tag, runId, step, at, endedAt }`, in order of beginning. */
const executions: Array<{ tag: string; runId: string; step: string; at: number; endedAt?: number }> = []
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms))

const stepsSerial = inngest.createFunction({ id: 'steps-serial', triggers: { event: 'official/steps-serial' } }, async ({ event, step }) => {
  const { tag, n = 1 } = (event as unknown as Tagged).data
  const a = await step.run('add', () => (count(`serial:add:${tag}`), n + 1))
  const b = await step.run('add', () => (count(`serial:add:${tag}`), a + 1))
  const c = await step.run('double', () => (count(`serial:double:${tag}`), b * 2))
  return { a, b, c }
})

const sleeper = inngest.createFunction({ id: 'sleeper', triggers: { event: 'official/sleep' } }, async ({ event, step }) => {
  const { tag } = (event as unknown as Tagged).data
  const before = await step.run('before', () => (count(`sleep:before:${tag}`), Date.now()))
  await step.sleep('nap', '2s')
  const after = await step.run('after', () => (count(`sleep:after:${tag}`), Date.now()))
  return { sleptMs: after - before }
})

const flaky = inngest.createFunction({ id: 'retry-basic', retries: 3, triggers: { event: 'official/retry' } }, async ({ event, step }) => {
  const { tag } = (event as unknown as Tagged).data
  const attempts = await step.run('flaky', () => {
    const attempt = count(`retry:flaky:${tag}`)
    if (attempt < 3) throw new Error(`flaky attempt ${attempt}`)
    return attempt
  })
  return { attempts }
})

const fatal = inngest.createFunction({ id: 'non-retriable', retries: 3, triggers: { event: 'official/fatal' } }, async ({ event, step }) => {
  const { tag } = (event as unknown as Tagged).data
  try {
    await step.run('fatal-step', () => {
      count(`fatal:step:${tag}`)
      throw new NonRetriableError('this step cannot succeed')
    })
  } catch (error) {
    return { caught: (error as Error).message }
  }
  return { caught: null }
})

const fatalFunction = inngest.createFunction({ id: 'non-retriable-uncaught', retries: 3, triggers: { event: 'official/fatal-uncaught' } }, async ({ event }) => {
  const { tag } = (event as unknown as Tagged).data
  count(`fatal-uncaught:body:${tag}`)
  throw new NonRetriableError('the function gives up')
})

const waiter = inngest.createFunction({ id: 'wait-for-event', triggers: { event: 'official/wait' } }, async ({ event, step }) => {
  const { tag } = (event as unknown as Tagged).data
  const timeout = tag.startsWith('timeout') ? '2s' : '60s'
  const approval = await step.waitForEvent('approval', { event: 'official/approved', timeout, match: 'data.tag' })
  return { approved: approval ? approval.data : null }
})

const parallel = inngest.createFunction({ id: 'parallel', triggers: { event: 'official/parallel' } }, async ({ event, step }) => {
  const { tag } = (event as unknown as Tagged).data
  const [x, y] = await Promise.all([step.run('left', () => (count(`parallel:left:${tag}`), 20)), step.run('right', () => (count(`parallel:right:${tag}`), 22))])
  const sum = await step.run('sum', () => (count(`parallel:sum:${tag}`), x + y))
  return { sum }
})

const child = inngest.createFunction({ id: 'child', triggers: { event: 'official/child' } }, async ({ event, step }) => {
  const { n = 1 } = (event as unknown as Tagged).data
  return step.run('double', () => n * 2)
})

/** step.invoke of a function of the same app, then of one of the worker's own (the example's hello-world). */
const invoker = inngest.createFunction({ id: 'invoker', triggers: { event: 'official/invoke' } }, async ({ step }) => {
  const synced = await step.invoke('call-child', { function: child, data: { n: 21 } })
  const local = await step.invoke('call-local', { function: referenceFunction({ appId: 'example', functionId: 'hello-world' }), data: { name: 'Ada' } })
  return { synced, local }
})

const cancellable = inngest.createFunction(
  { id: 'cancellable', triggers: { event: 'official/cancellable' }, cancelOn: [{ event: 'official/cancel', if: 'async.data.tag == event.data.tag' }] },
  async ({ step }) => {
    await step.sleep('nap', '1h')
    return 'woke'
  },
)

const doomed = inngest.createFunction(
  {
    id: 'doomed',
    retries: 0,
    triggers: { event: 'official/doomed' },
    onFailure: async ({ event, error }) => {
      count(`doomed:failure:${(event.data.event.data as { tag: string }).tag}:${error.message}`)
    },
  },
  async ({ event }) => {
    throw new Error(`doomed ${(event as unknown as Tagged).data.tag}`)
  },
)

/**
 * Ten steps of 50–100 ms each, so a run is mid-flight for a second or so: the crash test kills
 * wrangler dev then. Step `step-i` adds i to the running total: the output is `{ tag, total: n + 55 }`.
 */
const slowSteps = inngest.createFunction({ id: 'slow-steps', triggers: { event: 'official/slow-steps' } }, async ({ event, step, runId }) => {
  const { tag, n = 0 } = (event as unknown as Tagged).data
  let total = n
  for (let i = 1; i <= 10; i++) {
    total = await step.run(`step-${i}`, async () => {
      count(`slow:step-${i}:${tag}`)
      const execution: (typeof executions)[number] = { tag, runId, step: `step-${i}`, at: Date.now() }
      executions.push(execution)
      await sleep(50 + ((n * 7 + i * 13) % 51))
      execution.endedAt = Date.now()
      return total + i
    })
  }
  return { tag, total }
})

const handler = serve({ client: inngest, functions: [stepsSerial, sleeper, flaky, fatal, fatalFunction, waiter, parallel, child, invoker, cancellable, doomed, slowSteps] })

/** What the app serves beside its functions: the evidence the tests read. */
const evidence: Record<string, () => unknown> = {
  '/counts': () => Object.fromEntries(counts),
  '/executions': () => executions,
  '/checkpoints': () => checkpoints,
}

const server = createServer((req, res) => {
  const report = evidence[req.url ?? '']
  if (report) {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify(report()))
    return
  }
  return handler(req, res)
})
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log(`official app ready on http://127.0.0.1:${process.env.PORT}/api/inngest`))
