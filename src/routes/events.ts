/**
 * The REST API for events, in Inngest's shapes (`{ data, metadata }`, signing-key auth):
 * `GET /v1/events` (newest first; `name`, `limit`, `cursor`), `GET /v1/events/:id` and
 * `GET /v1/events/:id/runs`. Events are read from the event index (kept 7 days).
 */
import { Hono } from 'hono'
import { deriveRunId, findStoredEvent, recentInShards, registeredFunctions, runActorStub, type StoredEvent } from '../../actors/internal.js'
import { ulidTime } from '../../actors/engine/run-id.js'
import type { InngestEnv } from '../env.js'
import { functionsFor } from '../events/route-events.js'
import { requireSigningKey } from './auth.js'
import { toRunResource } from './runs.js'

const DEFAULT_LIMIT = 20
const MAX_LIMIT = 100

/** Inngest's event resource. Our event id is the internal id too. */
function toEventResource({ event, receivedAt }: StoredEvent) {
  return {
    internal_id: event.id,
    id: event.id,
    name: event.name,
    data: event.data,
    user: event.user ?? {},
    ts: event.ts,
    v: event.v ?? null,
    received_at: new Date(receivedAt).toISOString(),
  }
}

const metadata = () => ({ fetched_at: new Date().toISOString(), cached_until: null })

export const eventRoutes = new Hono<{ Bindings: InngestEnv }>()
  .use('/v1/events/*', requireSigningKey) // matches /v1/events too
  .get('/v1/events', async (c) => {
    const limitText = c.req.query('limit')
    const limit = limitText === undefined ? DEFAULT_LIMIT : Number(limitText)
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      return c.json({ error: `limit must be an integer from 1 to ${MAX_LIMIT} (got ${limitText})`, field: 'limit', fix: `omit limit for ${DEFAULT_LIMIT}, or pass 1 … ${MAX_LIMIT}` }, 400)
    }
    const cursorId = c.req.query('cursor')
    const cursor = cursorId === undefined ? undefined : await findStoredEvent(c.env, cursorId)
    if (cursor === null) {
      return c.json({ error: `cursor ${cursorId} names no stored event`, field: 'cursor', fix: 'pass the id of the last event of the previous page' }, 400)
    }
    const name = c.req.query('name')
    const query = { limit, ...(name ? { name } : {}), ...(cursor ? { before: { receivedAt: cursor.receivedAt, id: cursor.event.id } } : {}) }
    const events = await recentInShards(c.env, query)
    const last = events.length === limit ? events[limit - 1] : undefined
    return c.json({ data: events.map(toEventResource), metadata: { ...metadata(), next_cursor: last?.event.id ?? null } })
  })
  .get('/v1/events/:eventId', async (c) => {
    const stored = await findStoredEvent(c.env, c.req.param('eventId'))
    if (!stored) return c.json({ error: `event ${c.req.param('eventId')} not found`, fix: 'events are kept 7 days; check the id' }, 404)
    return c.json({ data: toEventResource(stored), metadata: metadata() })
  })
  /**
   * Runs of an event. Run ids derive from (event id, function id), so only the functions the
   * stored event's name triggers are probed. An event no longer stored (or never indexed) is
   * probed against every function when its id is a ULID (it carries its time).
   */
  .get('/v1/events/:eventId/runs', async (c) => {
    const eventId = c.req.param('eventId')
    const stored = await findStoredEvent(c.env, eventId)
    const eventTs = stored?.event.ts ?? ulidTime(eventId)
    if (eventTs === undefined) return c.json({ error: `event ${eventId} not found`, fix: 'events are kept 7 days; check the id' }, 404)
    const functionIds = stored ? functionsFor(stored.event.name) : registeredFunctions().map(([id]) => id)
    const runs = await Promise.all(
      functionIds.map(async (functionId) => {
        // Probing a run actor that never started stores nothing.
        const runId = await deriveRunId(eventId, functionId, eventTs)
        const run = await runActorStub(c.env.INNGEST_RUNS, runId).inspect()
        return run.status === 'Unknown' ? null : toRunResource(runId, run)
      }),
    )
    return c.json({ data: runs.filter((run) => run !== null), metadata: metadata() })
  })
