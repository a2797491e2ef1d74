/**
 * The Event API as Inngest's: `POST /e/:eventKey` with one event or an array answers
 * `{ ids, status: 200 }`; the official SDK checks for that `status`. A batch is all or nothing.
 */
import { Hono } from 'hono'
import { decodeTime, isValid } from 'ulid'
import { deriveRunId, registeredFunctions, runActorStub } from '../../actors/index.js'
import { isDevMode, type InngestEnv } from '../env.js'
import { prepareEvents } from '../events/prepare-events.js'
import { sendEvents } from '../events/send-events.js'
import { requireSigningKey } from './auth.js'
import { toRunResource } from './runs.js'

function acceptsEventKey(env: InngestEnv, key: string): boolean {
  if (isDevMode(env)) return true
  return (env.INNGEST_EVENT_KEY ?? '').split(',').map((k) => k.trim()).filter(Boolean).includes(key)
}

export const eventRoutes = new Hono<{ Bindings: InngestEnv }>()
  .post('/e/:eventKey', async (c) => {
    if (!acceptsEventKey(c.env, c.req.param('eventKey'))) return c.json({ error: 'Event key not found', status: 401 }, 401)
    let body: unknown
    try {
      body = await c.req.json()
    } catch {
      return c.json({ error: 'body is not valid JSON', field: 'body', fix: 'send a JSON event or array of events', status: 400 }, 400)
    }
    const prepared = prepareEvents(body, Date.now())
    if (!prepared.ok) return c.json({ ...prepared.problem, ids: [], status: 400 }, 400)
    await sendEvents(prepared.events, {})
    return c.json({ ids: prepared.events.map((event) => event.id), status: 200 })
  })
  /**
   * Runs of an event. Run ids are derived from (event id, function), so they are found without
   * an index for events whose id is a ULID (every generated id is).
   */
  .get('/v1/events/:eventId/runs', requireSigningKey, async (c) => {
    const eventId = c.req.param('eventId')
    if (!isValid(eventId)) return c.json({ data: [], metadata: { note: 'runs are found by id only for ULID event ids' } })
    const runs = await Promise.all(
      // Any function may have been triggered: matching needs the event's name, which only an
      // event log knows. Probing a run actor that never started stores nothing.
      registeredFunctions().map(async ([functionId]) => {
        const runId = await deriveRunId(eventId, functionId, decodeTime(eventId))
        const run = await runActorStub(c.env.INNGEST_RUNS, runId).inspect()
        return run.status === 'Unknown' ? null : toRunResource(runId, run)
      }),
    )
    return c.json({ data: runs.filter((run) => run !== null) })
  })

