/**
 * The test worker: what a user deploys (functions, serve(), the queue consumer, RunActor) plus
 * test-only functions and a user-defined Durable Object embedding the run machine.
 */
import { Hono } from 'hono'
import { routeEvents, routeSchedules, type InngestEnv } from '../src/index.js'
import { inngestRoutes, serve } from '../src/hono.js'
import { inngest, helloWorld, processOrder, syncUser, riskyWithFallback } from './fixtures/seed-functions.js'
import { engineFunctions } from './fixtures/engine-functions.js'
import { eventFunctions } from './fixtures/event-functions.js'
import { cronFunctions } from './fixtures/cron-functions.js'
import './fixtures/typed-event-functions.js'
import './fixtures/typed-step-functions.js'
import './fixtures/flow-gate-functions.js'
import './fixtures/flow-functions.js'
import './fixtures/flow-history-functions.js'
import './fixtures/logger-functions.js'
import './fixtures/middleware-functions.js'
import './fixtures/step-hook-functions.js'
import './fixtures/large-event-functions.js'
import './fixtures/identity-functions.js'
import './fixtures/unstorable-value-functions.js'
import './fixtures/runaway-functions.js'
import './fixtures/retry-semantics-functions.js'
import './fixtures/signal-functions.js'
import './fixtures/step-fetch-group-ai-functions.js'
import './fixtures/executor-functions.js'
import './fixtures/invoke-any-functions.js'
import { DEAD_LETTER_QUEUE, recordDeadLetters } from './fixtures/dead-letters.js'
import { webhooks } from './fixtures/webhook-functions.js'

export { CronActor, EventIndexActor, EventStreamActor, FlowGateActor, RunActor, SlotActor } from '../actors/internal.js'
export { RunIndexActor } from '../actors/run-index/index.js'
export { AppRegistryActor } from '../actors/apps/app-registry-actor.js'
export { EmbeddedRuns } from './fixtures/embedded-runs.js'
export { Document } from './fixtures/entity-functions.js'
export { Cart } from './fixtures/readme-entity.js'

const app = new Hono()
app.on(['GET', 'PUT', 'POST'], '/api/inngest', serve({ client: inngest, functions: [helloWorld, processOrder, syncUser, riskyWithFallback, ...engineFunctions, ...eventFunctions, ...cronFunctions] }))
app.route('/', inngestRoutes({ webhooks, dashboard: true }))

export default {
  fetch: app.fetch,
  queue: (batch: MessageBatch<any>, env: InngestEnv) => (batch.queue === DEAD_LETTER_QUEUE ? recordDeadLetters(batch) : routeEvents(batch, env)),
  scheduled: routeSchedules,
}
