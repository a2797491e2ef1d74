/**
 * The worker of the HTTP benchmarks, built like src/example/worker.ts (`serve()`, the Event and
 * REST APIs, `routeEvents`, the actor classes) with one 1-step function, plus the floor Durable
 * Object and a few `/bench/…` routes the Node side reads. Served by `wrangler dev` with
 * bench/http/wrangler.toml (the README's configuration).
 *
 * The step bodies stamp their times in module state (bench/signals.ts): the worker, its Durable
 * Objects and the queue consumer share one isolate under wrangler dev, so a route reads them
 * without adding anything to the run's own path (a report over the network from the step body
 * would add its round trip to the run's completion).
 */
import { Hono } from 'hono'
import { decodeTime } from 'ulid'
import { deriveRunId, runActorStub } from '../../actors/internal.js'
import type { InngestEnv } from '../../src/env.js'
import { Inngest, routeEvents, routeSchedules } from '../../src/index.js'
import { inngestRoutes, serve } from '../../src/hono.js'
import type { FloorActor } from '../floor-actor.js'
import { program, runProgram, type Program } from '../program.js'
import { finishedAt, forget, whenStepStarted } from '../signals.js'
import { HTTP_PROGRAM_EVENT } from './http-program-event.js'

export { CronActor, EventIndexActor, EventStreamActor, FlowGateActor, RunActor, SlotActor } from '../../actors/internal.js'
export { RunIndexActor } from '../../actors/run-index/index.js'
export { AppRegistryActor } from '../../actors/apps/app-registry-actor.js'
export { FloorActor } from '../floor-actor.js'

const inngest = new Inngest({ id: 'bench-http' })

/** The 1-step function of both scenarios: the shared program through `step.run`. */
const httpProgram = inngest.createFunction({ id: 'program' }, { event: HTTP_PROGRAM_EVENT }, async ({ event, step }) =>
  runProgram(event.data as unknown as Program, (name, body) => step.run(name, body)),
)

type Env = InngestEnv & { readonly FLOOR: DurableObjectNamespace<FloorActor> }

const app = new Hono<{ Bindings: Env }>()
app.on(['GET', 'PUT', 'POST'], '/api/inngest', serve({ client: inngest, functions: [httpProgram] }))
app.route('/', inngestRoutes())

app.get('/bench/ping', (c) => c.text('ok'))

/** The run an event started, by its `status()` RPC: one Durable Object call, cheaper than `/v1/events/:id/runs`. */
app.get('/bench/run/:eventId', async (c) => {
  const eventId = c.req.param('eventId')
  // An event sent without `ts` is stamped with the time its ULID carries (prepareEvents).
  const runId = await deriveRunId(eventId, httpProgram.compositeId, decodeTime(eventId))
  const { status, effectsPending } = await runActorStub(c.env.INNGEST_RUNS, runId).status()
  return c.json({ status, effectsPending })
})

/** When run `label`'s first step began and its handler was about to return (epoch ms); forgets them. */
app.get('/bench/marks/:label', async (c) => {
  const label = c.req.param('label')
  const firstStepAt = await whenStepStarted(label)
  const handlerDoneAt = finishedAt(label)
  forget(label)
  return c.json({ firstStepAt, handlerDoneAt })
})

/** How many of the runs `${prefix}0 … ${prefix}${count - 1}` finished since the last call (their marks are then forgotten). */
app.get('/bench/finished', (c) => {
  const prefix = c.req.query('prefix') ?? ''
  let finished = 0
  for (let i = 0; i < Number(c.req.query('count')); i++) {
    if (Number.isNaN(finishedAt(`${prefix}${i}`))) continue
    forget(`${prefix}${i}`)
    finished++
  }
  return c.json({ finished })
})

/** Starts one floor run of `steps` steps per label (one Durable Object each); answers once all were accepted. */
app.post('/bench/floor', async (c) => {
  const { labels, steps } = await c.req.json<{ labels: string[]; steps: number }>()
  await Promise.all(labels.map((label) => c.env.FLOOR.get(c.env.FLOOR.idFromName(label)).start({ program: program(label, steps) })))
  return c.json({ started: labels.length })
})

export default { fetch: app.fetch, queue: routeEvents, scheduled: routeSchedules }
