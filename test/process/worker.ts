/**
 * The crash test's worker: the README's worker (serve(), the Event and REST APIs, the queue
 * consumer, the actor classes) with one function whose step bodies report every execution to
 * the test's step counter on the Node side (harness/step-counter.ts), at `COUNTER_URL`.
 */
import { env } from 'cloudflare:workers'
import { Hono } from 'hono'
import { Inngest, routeEvents, routeSchedules } from '../../src/index.js'
import { inngestRoutes, serve } from '../../src/hono.js'

export { CronActor, EventIndexActor, EventStreamActor, FlowGateActor, RunActor, SlotActor } from '../../actors/internal.js'
export { RunIndexActor } from '../../actors/run-index/index.js'
export { AppRegistryActor } from '../../actors/apps/app-registry-actor.js'

/** The event the test sends; `tag` names it on the Node side, `n` feeds the output. */
export type CrashEvent = { data: { tag: string; n: number } }

const inngest = new Inngest({ id: 'crash-test' })

/** Tells the Node side that a step body runs now; a failed report fails the step. */
async function reportExecution(tag: string, runId: string, step: string): Promise<void> {
  const counterUrl = (env as { COUNTER_URL?: string }).COUNTER_URL
  if (!counterUrl) throw new Error('COUNTER_URL is not set: start wrangler dev with --var COUNTER_URL:http://127.0.0.1:<port>/life/<n>')
  const response = await fetch(`${counterUrl}/step`, { method: 'POST', body: JSON.stringify({ tag, runId, step }) })
  if (!response.ok) throw new Error(`step counter answered ${response.status}`)
}

/** Three steps with 1 s sleeps between them, so that a kill lands mid-run; see expectedOutput. */
export const crashFlow = inngest.createFunction({ id: 'crash-flow' }, { event: 'crash/test' }, async ({ event, step, runId }) => {
  const { tag, n } = (event as unknown as CrashEvent).data
  const doubled = await step.run('double', async () => (await reportExecution(tag, runId, 'double'), n * 2))
  await step.sleep('pause-1', '1s')
  const plusOne = await step.run('add-one', async () => (await reportExecution(tag, runId, 'add-one'), doubled + 1))
  await step.sleep('pause-2', '1s')
  return step.run('label', async () => (await reportExecution(tag, runId, 'label'), `${tag}:${plusOne}`))
})

const app = new Hono()
app.on(['GET', 'PUT', 'POST'], '/api/inngest', serve({ client: inngest, functions: [crashFlow] }))
app.route('/', inngestRoutes())

export default { fetch: app.fetch, queue: routeEvents, scheduled: routeSchedules }
