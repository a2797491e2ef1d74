/**
 * The one error the routes throw, and the one place an error becomes a response. Every 4xx and
 * 5xx the worker answers is JSON `{ error, field?, fix? }`, the shape of the Event API's 400s.
 * A 500 adds `request_id`; outside dev mode it says only "internal error", and the log line
 * carrying the same id has the real error (message, stack, paths).
 */
import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { isDevMode, type InngestEnv } from '../env.js'

/** The body of every error answer. */
export interface RouteErrorBody {
  readonly error: string
  /** The request field at fault: a parameter, query key or header. */
  readonly field?: string
  /** What the caller can do about it. */
  readonly fix?: string
  /** 500 only: the id the server logged the error under. */
  readonly request_id?: string
}

/** What a `RouteError` carries besides its status and message. */
export interface RouteErrorOptions {
  readonly field?: string
  readonly fix?: string
  /** Response headers, such as `Allow` on a 405 or `WWW-Authenticate` on a 401. */
  readonly headers?: Readonly<Record<string, string>>
  readonly cause?: unknown
}

/**
 * An answer a route gives by throwing: its status, message, field and fix reach the caller as
 * they are, so they must never carry internal detail.
 * @example
 * ```ts
 * throw new RouteError(400, 'runId is not a run id', { field: 'runId', fix: 'use the 26-character ULID of a run' })
 * ```
 */
export class RouteError extends Error {
  override readonly name = 'RouteError'
  readonly status: ContentfulStatusCode
  readonly field: string | undefined
  readonly fix: string | undefined
  readonly headers: Readonly<Record<string, string>>

  constructor(status: ContentfulStatusCode, message: string, { field, fix, headers = {}, cause }: RouteErrorOptions = {}) {
    super(message, { cause })
    this.status = status
    this.field = field
    this.fix = fix
    this.headers = headers
  }

  /** The JSON the caller gets. */
  get body(): RouteErrorBody {
    return { error: this.message, ...(this.field ? { field: this.field } : {}), ...(this.fix ? { fix: this.fix } : {}) }
  }
}

/** `a, b or c`. */
const either = (words: readonly string[]) => (words.length > 1 ? `${words.slice(0, -1).join(', ')} or ${words.at(-1)}` : words.join(''))

/** The 405 for `method` on a route that takes only `allow`; `Allow` lists them (RFC 9110 §15.5.6). */
export function methodNotAllowed(method: string, route: string, allow: readonly string[], fix = `use ${either(allow)}`): RouteError {
  return new RouteError(405, `${method} is not allowed on ${route}`, { fix, headers: { allow: allow.join(', ') } })
}

/**
 * The answer to any error a route throws: a `RouteError` as it is, a Hono `HTTPException` below
 * 500 with its message, anything else as a 500 that is logged with a fresh request id. Dev mode
 * (`INNGEST_DEV=1`) shows the error's name and message in the 500; no mode shows its stack.
 */
export function answerRouteError(error: Error, c: Context<{ Bindings: InngestEnv }>): Response {
  if (error instanceof RouteError) return c.json(error.body, error.status, { ...error.headers })
  if (error instanceof HTTPException && error.status < 500) return c.json({ error: error.message || 'bad request' } satisfies RouteErrorBody, error.status)
  const requestId = crypto.randomUUID()
  console.error(`inngest.do: ${c.req.method} ${c.req.path} failed, request_id ${requestId}:`, error)
  const body: RouteErrorBody = {
    error: isDevMode(c.env ?? {}) ? `${error.name}: ${error.message}` : 'internal error',
    fix: 'try again later; if it persists, give the operator this request_id (the server log has the cause)',
    request_id: requestId,
  }
  return c.json(body, 500)
}
