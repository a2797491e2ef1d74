/**
 * `GET /v1/runs/:runId` and `DELETE /v1/runs/:runId` in Inngest's REST shape, extended with the
 * persisted XState snapshot and the step timeline.
 */
import { Hono } from 'hono'
import { isUlid } from '../../actors/engine/ulid.js'
import { runActorStub, type RunInspection } from '../../actors/internal.js'
import type { InngestEnv } from '../env.js'
import { requireSigningKey } from './auth.js'
import { RouteError } from './route-error.js'

/** Inngest's FunctionRun shape plus `snapshot` and `steps`. */
export function toRunResource(runId: string, run: RunInspection) {
  const context = run.snapshot?.context
  const iso = (ms: number | null | undefined) => (ms == null ? null : new Date(ms).toISOString())
  return {
    run_id: runId,
    function_id: context?.functionId ?? null,
    status: run.status,
    run_started_at: iso(context?.startedAt),
    ended_at: iso(context?.endedAt),
    event_id: run.events[0]?.id ?? null,
    output: run.output,
    error: context?.error ?? null,
    snapshot: run.snapshot,
    steps: run.steps,
  }
}

export const runRoutes = new Hono<{ Bindings: InngestEnv }>()
  .use('/v1/runs/*', requireSigningKey)
  .on(['GET', 'DELETE'], '/v1/runs/:runId', async (c) => {
    const runId = c.req.param('runId')
    if (!isUlid(runId)) throw new RouteError(400, 'runId is not a run id', { field: 'runId', fix: 'use the 26-character ULID of a run' })
    const stub = runActorStub(c.env.INNGEST_RUNS, runId)
    const run = await stub.inspect()
    if (run.status === 'Unknown') throw new RouteError(404, `run ${runId} not found`, { field: 'runId', fix: 'check the id: GET /v1/events/:eventId/runs lists the runs an event started' })
    const current = c.req.method === 'DELETE' ? await stub.cancel() : run
    return c.json({ data: toRunResource(runId, current), metadata: { fetched_at: new Date().toISOString(), cached_until: null } })
  })
