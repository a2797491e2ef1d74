/**
 * The routes a v4 SDK calls while our executor's call to it is in flight (protocol reference
 * §2.5, §2.8):
 * - `POST /v1/checkpoint/:runId/async`: steps it ran in-process, recorded in the run's object
 *   before the answer (200); 409 when the call they belong to is no longer in flight (the SDK
 *   halts), 422 when the executor wants them in the call's reply instead (the SDK falls back).
 * - `GET /v0/runs/:runId/actions` and `/batch`: the memo and the events, when a call said
 *   `use_api` because they were too large to carry.
 * - Durable Endpoints (`inngest.endpoint`: `POST /v1/checkpoint`, `…/steps`) answer 501.
 * All take the app's signing key as the SDK sends it (none in dev mode).
 */
import { Hono } from 'hono'
import { memoOf } from '../../actors/engine/http-executor/call-request.js'
import { runActorStub } from '../../actors/run-actor-stub.js'
import type { InngestEnv } from '../env.js'
import { requireSdkKey } from '../routes/auth.js'
import { RouteError } from '../routes/route-error.js'

type Env = { Bindings: InngestEnv }

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

const durableEndpoints = () => {
  throw new RouteError(501, 'Durable Endpoints (inngest.endpoint) are not supported by inngest.do yet', { fix: 'serve the function with serve() and trigger it with an event' })
}

/** Mounted by `inngestRoutes()` beside the other server-protocol routes. */
export const checkpointRoutes = new Hono<Env>()
  .use('/v1/checkpoint/*', requireSdkKey) // matches /v1/checkpoint too
  .use('/v0/runs/*', requireSdkKey)
  .post('/v1/checkpoint/:runId/async', async (c) => {
    const body: unknown = await c.req.json().catch(() => undefined)
    if (!isRecord(body)) throw new RouteError(400, 'the checkpoint body must be a JSON object', { fix: 'send { run_id, qi_id, steps: [ops] }' })
    if (typeof body.qi_id !== 'string' || body.qi_id === '') throw new RouteError(400, 'qi_id must name the call the steps ran in', { field: 'qi_id', fix: "echo the call's ctx.qi_id" })
    const receipt = await runActorStub(c.env.INNGEST_RUNS, c.req.param('runId')).checkpoint({ callId: body.qi_id, steps: body.steps })
    if (receipt.kind === 'stale') throw new RouteError(409, 'stale dispatch: the call these steps ran in is no longer in flight', { field: 'qi_id' })
    if (receipt.kind === 'refused') throw new RouteError(422, `not checkpointed: ${receipt.reason}`, { field: 'steps', fix: "return the steps in the call's reply" })
    return c.json({})
  })
  .post('/v1/checkpoint', durableEndpoints)
  .post('/v1/checkpoint/:runId/steps', durableEndpoints)
  .get('/v0/runs/:runId/actions', async (c) => c.json(memoOf((await runActorStub(c.env.INNGEST_RUNS, c.req.param('runId')).callState()).rows).steps))
  .get('/v0/runs/:runId/batch', async (c) => c.json((await runActorStub(c.env.INNGEST_RUNS, c.req.param('runId')).callState()).events))
