/**
 * An app built on the official Inngest SDK **v3** (`inngest-v3` is `inngest@^3` under an npm
 * alias), as a v3 user writes it: `createFunction(config, trigger, handler)`, `cancelOn` with
 * `match`, `step.invoke` by function, by `referenceFunction` and by id string, served with v3's
 * `inngest-v3/node` on PORT and pointed at inngest.do by `INNGEST_DEV=<url>` alone. Started by
 * official-app-process.ts; `GET /counts` reports how often each step body ran.
 *
 * JavaScript, not TypeScript: v3's type declarations import `cross-fetch`, whose
 * `/// <reference lib="dom" />` would put the DOM lib into the repo's one program and break the
 * worker's types. The app is type-checked against v3's own types on its own instead:
 * `npx tsc -p test/process/harness/tsconfig.v3-app.json`.
 */
import { createServer } from 'node:http'
import { Inngest, NonRetriableError, referenceFunction } from 'inngest-v3'
import { serve } from 'inngest-v3/node'

const inngest = new Inngest({ id: 'official-v3-app' })

/** Step body executions, by `<function>:<step>:<tag>`. @type {Map<string, number>} */
const counts = new Map()
/** @param {string} name */
function count(name) {
  const next = (counts.get(name) ?? 0) + 1
  counts.set(name, next)
  return next
}

/** @typedef {{ tag: string, n?: number }} Tagged */

const stepsSerial = inngest.createFunction({ id: 'steps-serial' }, { event: 'v3/steps-serial' }, async ({ event, step }) => {
  const { tag, n = 1 } = /** @type {Tagged} */ (event.data)
  const a = await step.run('add', () => (count(`serial:add:${tag}`), n + 1))
  const b = await step.run('add', () => (count(`serial:add:${tag}`), a + 1))
  const c = await step.run('double', () => (count(`serial:double:${tag}`), b * 2))
  return { a, b, c }
})

/** Opted in to checkpointing (off by default in v3): steps run in-process and are posted to /v1/checkpoint. */
const checkpointed = inngest.createFunction({ id: 'checkpointed', checkpointing: true }, { event: 'v3/checkpointed' }, async ({ event, step }) => {
  const { tag, n = 1 } = /** @type {Tagged} */ (event.data)
  const a = await step.run('first', () => (count(`checkpointed:first:${tag}`), n + 1))
  const b = await step.run('second', () => (count(`checkpointed:second:${tag}`), a * 10))
  await step.sleep('nap', '1s')
  const c = await step.run('third', () => (count(`checkpointed:third:${tag}`), b + 1))
  return { a, b, c }
})

const sleeper = inngest.createFunction({ id: 'sleeper' }, { event: 'v3/sleep' }, async ({ event, step }) => {
  const { tag } = /** @type {Tagged} */ (event.data)
  const before = await step.run('before', () => (count(`sleep:before:${tag}`), Date.now()))
  await step.sleep('nap', '1s')
  const after = await step.run('after', () => (count(`sleep:after:${tag}`), Date.now()))
  return { sleptMs: after - before }
})

const flaky = inngest.createFunction({ id: 'retry-basic', retries: 3 }, { event: 'v3/retry' }, async ({ event, step }) => {
  const { tag } = /** @type {Tagged} */ (event.data)
  const attempts = await step.run('flaky', () => {
    const attempt = count(`retry:flaky:${tag}`)
    if (attempt < 3) throw new Error(`flaky attempt ${attempt}`)
    return attempt
  })
  return { attempts }
})

const fatal = inngest.createFunction({ id: 'non-retriable', retries: 3 }, { event: 'v3/fatal' }, async ({ event, step }) => {
  const { tag } = /** @type {Tagged} */ (event.data)
  try {
    await step.run('fatal-step', () => {
      count(`fatal:step:${tag}`)
      throw new NonRetriableError('this step cannot succeed')
    })
  } catch (error) {
    return { caught: /** @type {Error} */ (error).message }
  }
  return { caught: null }
})

const fatalFunction = inngest.createFunction({ id: 'non-retriable-uncaught', retries: 3 }, { event: 'v3/fatal-uncaught' }, async ({ event }) => {
  count(`fatal-uncaught:body:${/** @type {Tagged} */ (event.data).tag}`)
  throw new NonRetriableError('the function gives up')
})

const waiter = inngest.createFunction({ id: 'wait-for-event' }, { event: 'v3/wait' }, async ({ event, step }) => {
  const { tag } = /** @type {Tagged} */ (event.data)
  const timeout = tag.startsWith('timeout') ? '2s' : '60s'
  const approval = await step.waitForEvent('approval', { event: 'v3/approved', timeout, match: 'data.tag' })
  return { approved: approval ? approval.data : null }
})

/**
 * Three steps side by side, then one after: on execution version 1 (v3's default), or on 2 with
 * `optimizeParallelism`. Counts are keyed by the function's id.
 * @param {string} id
 * @param {boolean} optimizeParallelism
 */
const parallelFunction = (id, optimizeParallelism) =>
  inngest.createFunction({ id, optimizeParallelism }, { event: `v3/${id}` }, async ({ event, step }) => {
    const { tag } = /** @type {Tagged} */ (event.data)
    const [x, y, z] = await Promise.all([
      step.run('left', () => (count(`${id}:left:${tag}`), 20)),
      step.run('right', () => (count(`${id}:right:${tag}`), 15)),
      step.run('middle', () => (count(`${id}:middle:${tag}`), 7)),
    ])
    const sum = await step.run('sum', () => (count(`${id}:sum:${tag}`), x + y + z))
    return { sum }
  })
const parallel = parallelFunction('parallel', false)
const parallelOptimized = parallelFunction('parallel-optimized', true)

/** Promise.race of a step and a long sleep: on version 1 the step's completion alone brings discovery, and the run goes on. */
const race = inngest.createFunction({ id: 'race' }, { event: 'v3/race' }, async ({ event, step }) => {
  const { tag } = /** @type {Tagged} */ (event.data)
  const winner = await Promise.race([step.run('fast', () => (count(`race:fast:${tag}`), 'fast')), step.sleep('slow', '1h').then(() => 'slow')])
  const after = await step.run('after', () => (count(`race:after:${tag}`), `${winner} won`))
  return { winner, after }
})

const child = inngest.createFunction({ id: 'child' }, { event: 'v3/child' }, async ({ event, step }) => {
  const { n = 1 } = /** @type {Tagged} */ (event.data)
  return step.run('double', () => n * 2)
})

/** step.invoke three ways: by function, by id string (v3 only, deprecated there), and a worker function by reference. */
const invoker = inngest.createFunction({ id: 'invoker' }, { event: 'v3/invoke' }, async ({ step }) => {
  const synced = await step.invoke('call-child', { function: child, data: { n: 21 } })
  const byId = await step.invoke('call-child-by-id', { function: 'official-v3-app-child', data: { n: 5 } })
  const local = await step.invoke('call-local', { function: referenceFunction({ appId: 'example', functionId: 'hello-world' }), data: { name: 'Ada' } })
  return { synced, byId, local }
})

const cancellable = inngest.createFunction({ id: 'cancellable', cancelOn: [{ event: 'v3/cancel', match: 'data.tag' }] }, { event: 'v3/cancellable' }, async ({ step }) => {
  await step.sleep('nap', '1h')
  return 'woke'
})

const doomed = inngest.createFunction(
  {
    id: 'doomed',
    retries: 0,
    onFailure: async ({ event, error }) => {
      count(`doomed:failure:${/** @type {Tagged} */ (event.data.event.data).tag}:${error.message}`)
    },
  },
  { event: 'v3/doomed' },
  async ({ event }) => {
    throw new Error(`doomed ${/** @type {Tagged} */ (event.data).tag}`)
  },
)

const handler = serve({ client: inngest, functions: [stepsSerial, checkpointed, sleeper, flaky, fatal, fatalFunction, waiter, parallel, parallelOptimized, race, child, invoker, cancellable, doomed] })

const server = createServer((req, res) => {
  if (req.url === '/counts') {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify(Object.fromEntries(counts)))
    return
  }
  return handler(req, res)
})
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log(`official app ready (SDK v3) on http://127.0.0.1:${process.env.PORT}/api/inngest`))
