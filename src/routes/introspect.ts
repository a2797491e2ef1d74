/**
 * The `/api/inngest` endpoint as the official `serve()` answers it: `GET` describes the app and
 * its functions, `PUT` (sync) confirms them. Functions run in-process in their run actors, so
 * there is nothing to execute over `POST`.
 */
import type { Context } from 'hono'
import type { InngestFunction } from '../inngest-function.js'
import { isDevMode, type InngestEnv } from '../env.js'

export function introspection(appId: string, functions: readonly InngestFunction<any, any, any>[]) {
  const describe = (env: InngestEnv) => ({
    app_id: appId,
    function_count: functions.length,
    mode: isDevMode(env) ? 'dev' : 'cloud',
    has_event_key: Boolean(env.INNGEST_EVENT_KEY),
    has_signing_key: Boolean(env.INNGEST_SIGNING_KEY),
    functions: functions.map((fn) => ({ id: fn.compositeId, name: fn.name, triggers: fn.options.triggers })),
  })
  return (c: Context<{ Bindings: InngestEnv }>) => {
    switch (c.req.method) {
      case 'GET':
        return c.json(describe(c.env))
      case 'PUT':
        return c.json({ ...describe(c.env), message: 'Functions are registered in-process; nothing to sync.' })
      default:
        return c.json({ error: `${c.req.method} is not served here`, fix: 'functions run in-process; send events to POST /e/:eventKey' }, 405)
    }
  }
}
