/**
 * The Event API as Inngest's: `POST /e/:eventKey` with one event or an array answers
 * `{ ids, status: 200 }` (the official SDK checks that `status`). A request is all or nothing:
 * any invalid event rejects it and nothing is stored. Events are stored durably before the
 * reply and delivered right after it (`publishEvents`); an id seen in the last 24 hours is not
 * stored again, and its id is still returned.
 */
import { Hono, type Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { maxEventBytes, parseEventIdSeed, positiveSetting, prepareEvents, publishEvents } from '../../actors/internal.js'
import { MAX_DATA_DEPTH } from '../../actors/events/prepare-events.js'
import type { InngestEnv } from '../env.js'
import { acceptsEventKey } from './auth.js'

type Env = { Bindings: InngestEnv }

/** Room a request body has beyond its largest event: the array, other events, whitespace. */
export const EVENT_BODY_HEADROOM_BYTES = 512 * 1024
/** Inngest's limit on events in one request. */
export const MAX_EVENTS_PER_REQUEST = 5_000

/** `INNGEST_MAX_EVENT_BODY_BYTES`, else the largest event (`INNGEST_MAX_EVENT_BYTES`, 3 MiB) plus headroom. */
export function maxBodyBytes(env: InngestEnv): number {
  return positiveSetting(env.INNGEST_MAX_EVENT_BODY_BYTES, maxEventBytes(env.INNGEST_MAX_EVENT_BYTES) + EVENT_BODY_HEADROOM_BYTES, { integer: true })
}

/** An Event API error: Inngest's `{ ids, status, error }` plus the field and the fix. */
function reject(c: Context<Env>, status: 400 | 401 | 405 | 413, error: string, detail: { field?: string; index?: number; fix: string }) {
  return c.json({ error, ...detail, ids: [], status }, status)
}

export const eventApiRoutes = new Hono<Env>()
  .post(
    '/e/:eventKey',
    async (c, next) => {
      if (acceptsEventKey(c.env, c.req.param('eventKey'))) return next()
      return reject(c, 401, 'Event key not found', { fix: 'use a key listed in INNGEST_EVENT_KEY, or run in dev mode (INNGEST_DEV=1)' })
    },
    (c, next) => {
      const maxSize = maxBodyBytes(c.env)
      return bodyLimit({
        maxSize,
        onError: (c) => reject(c, 413, `the request body is larger than ${maxSize} bytes`, { field: 'body', fix: 'send fewer or smaller events per request (INNGEST_MAX_EVENT_BODY_BYTES sets the limit)' }),
      })(c, next)
    },
    async (c) => {
      let body: unknown
      try {
        body = JSON.parse(await c.req.text())
      } catch (error) {
        // A parser that gives up on depth throws RangeError: the body is JSON, only too deep.
        if (error instanceof RangeError) {
          return reject(c, 400, 'body is nested too deep to parse', { field: 'body', fix: `keep data and user at most ${MAX_DATA_DEPTH} levels deep` })
        }
        return reject(c, 400, 'body is not valid JSON', { field: 'body', fix: 'send a JSON event or array of events' })
      }
      if (Array.isArray(body) && body.length > MAX_EVENTS_PER_REQUEST) {
        return reject(c, 413, `too many events: ${body.length} in one request, at most ${MAX_EVENTS_PER_REQUEST}`, { field: 'body', fix: 'split the events over several requests' })
      }
      const prepared = prepareEvents(body, Date.now(), parseEventIdSeed(c.req.header('x-inngest-event-id-seed')), maxEventBytes(c.env.INNGEST_MAX_EVENT_BYTES))
      if (!prepared.ok) {
        const { index, field, error, fix } = prepared.problem
        return reject(c, 400, `event[${index}]${field ? `.${field}` : ''}: ${error}`, { index, field, fix })
      }
      const { ids } = await publishEvents(c.env, prepared.events)
      return c.json({ ids, status: 200 })
    },
  )
  .all('/e/:eventKey', (c) => {
    c.header('allow', 'POST')
    return reject(c, 405, `${c.req.method} is not allowed on /e/:eventKey`, { fix: 'POST one event or an array of events' })
  })
