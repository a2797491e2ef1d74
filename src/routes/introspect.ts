/**
 * The `/api/inngest` endpoint as the official `serve()` answers it: `GET` describes the app and
 * its functions, `PUT` (sync) confirms them. Functions run in-process in their run actors, so
 * there is nothing to execute over `POST`.
 *
 * Outside dev mode a caller without the signing key gets only Inngest's unauthenticated
 * introspection (counts and flags, schema `2024-05-24`); the functions, their triggers, `if`
 * expressions and cron schedules need `Authorization: Bearer <INNGEST_SIGNING_KEY>`. Dev mode
 * answers the full form to anyone, as the Inngest dev server does.
 */
import type { Context } from 'hono'
import { routePath } from 'hono/route'
import type { InngestFunction } from '../inngest-function.js'
import { isDevMode, type InngestEnv } from '../env.js'
import { carriesSigningKey } from './auth.js'
import { methodNotAllowed } from './route-error.js'

/** The methods `/api/inngest` answers (`HEAD` as `GET`). */
export const INTROSPECTION_METHODS: readonly string[] = ['GET', 'HEAD', 'PUT']

/** What Inngest's `serve()` tells a caller it cannot authenticate (`introspectionBody`). */
function unauthenticatedForm(env: InngestEnv, functionCount: number) {
  return {
    extra: { native_crypto: Boolean(crypto.subtle) },
    has_event_key: Boolean(env.INNGEST_EVENT_KEY),
    has_signing_key: Boolean(env.INNGEST_SIGNING_KEY),
    function_count: functionCount,
    mode: isDevMode(env) ? ('dev' as const) : ('cloud' as const),
    schema_version: '2024-05-24' as const,
  }
}

/** The `/api/inngest` handler for `appId`'s `functions`. */
export function introspection(appId: string, functions: readonly InngestFunction<any, any, any>[]) {
  const fullForm = (env: InngestEnv) => ({
    app_id: appId,
    function_count: functions.length,
    mode: isDevMode(env) ? 'dev' : 'cloud',
    has_event_key: Boolean(env.INNGEST_EVENT_KEY),
    has_signing_key: Boolean(env.INNGEST_SIGNING_KEY),
    functions: functions.map((fn) => ({ id: fn.compositeId, name: fn.name, triggers: fn.options.triggers })),
  })
  const describe = async (c: Context<{ Bindings: InngestEnv }>) => {
    if (isDevMode(c.env)) return fullForm(c.env)
    const open = unauthenticatedForm(c.env, functions.length)
    if (!(await carriesSigningKey(c.env, c.req.header('authorization')))) return open
    return { ...open, ...fullForm(c.env), authentication_succeeded: true }
  }
  return async (c: Context<{ Bindings: InngestEnv }>) => {
    switch (c.req.method) {
      case 'GET':
      case 'HEAD':
        return c.json(await describe(c))
      case 'PUT':
        return c.json({ ...(await describe(c)), message: 'Functions are registered in-process; nothing to sync.' })
      default:
        throw methodNotAllowed(c.req.method, routePath(c), INTROSPECTION_METHODS, 'functions run in-process, so there is nothing to call: GET or PUT here, send events to POST /e/:eventKey')
    }
  }
}
