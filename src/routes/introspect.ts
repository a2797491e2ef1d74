/**
 * `GET|PUT /api/inngest`: what the official `serve()` answers at its endpoint, the functions
 * this worker serves and its mode, so tools that probe an Inngest endpoint find one.
 */
import { Hono } from 'hono'
import type { InngestFunction } from '../inngest-function.js'
import { isDevMode, type InngestEnv } from '../env.js'

export function introspectRoutes(appId: string, functions: readonly InngestFunction[]) {
  const describe = (env: InngestEnv) => ({
    app_id: appId,
    function_count: functions.length,
    mode: isDevMode(env) ? 'dev' : 'cloud',
    has_event_key: Boolean(env.INNGEST_EVENT_KEY),
    has_signing_key: Boolean(env.INNGEST_SIGNING_KEY),
    functions: functions.map((fn) => ({ id: fn.compositeId, name: fn.name, triggers: fn.options.triggers })),
  })
  return new Hono<{ Bindings: InngestEnv }>()
    .get('/api/inngest', (c) => c.json(describe(c.env)))
    .put('/api/inngest', (c) => c.json({ ...describe(c.env), message: 'Functions are registered in-process; nothing to sync.' }))
}
