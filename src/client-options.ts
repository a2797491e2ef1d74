/**
 * `new Inngest({...})` options: every option of the official `ClientOptions` (v3 and v4) is
 * accepted. Each is honoured, or meaningless on Cloudflare (see docs/compatibility.md), or, when it
 * asks for behaviour we cannot give, a `TypeError` at construction naming the option and the fix.
 */
import type { EventSchemas } from './event-schemas.js'
import type { MiddlewareEntry } from './middleware/middleware-stack.js'
import type { Logger } from './types.js'

/** Checkpointing settings of the official SDK; steps here are always persisted in the run's Durable Object. */
export type CheckpointingOptions = boolean | { maxRuntime?: number | string; bufferedSteps?: number; maxInterval?: number | string }

export interface ClientOptions {
  /** The app id; prefixes function ids as `${id}-${functionId}`. */
  id: string
  /** Inngest v3: the app's display name (deprecated there too). */
  name?: string
  /** Typed events: `new EventSchemas().fromRecord<Events>()`. */
  schemas?: EventSchemas<any>
  /** Event key, for sending over HTTP from outside the worker. */
  eventKey?: string
  /** Base URL of a deployed inngest.do, for sending from outside Cloudflare. */
  baseUrl?: string
  /** The `fetch` that sends events over HTTP (`baseUrl`); the global `fetch` by default. */
  fetch?: typeof fetch
  /** Sent as `x-inngest-env` when sending over HTTP. A worker is one environment, so it is ignored there. */
  env?: string
  /**
   * Where handlers' `ctx.logger` writes (pino, winston, … anything with info/warn/error/debug);
   * the console by default. Lines logged while a handler replays memoized steps are dropped, so
   * each is written once.
   */
  logger?: Logger
  /** The official SDK's logger for its own messages; inngest.do logs none through it. */
  internalLogger?: Logger
  /** v3 `new InngestMiddleware(…)` instances and v4 `Middleware.BaseMiddleware` classes (see docs/compatibility.md). */
  middleware?: readonly MiddlewareEntry[]
  /** Sending over HTTP: `true` needs no event key (as the dev server), `false` requires one. */
  isDev?: boolean
  /** Your app's version; metadata only. */
  appVersion?: string
  /** Accepted: parallel steps here always run concurrently, each memoized. */
  optimizeParallelism?: boolean
  /** Accepted: no OpenTelemetry AI spans are collected. */
  aiMetadata?: boolean
  /** Session propagation is not supported yet: only `false` is accepted. */
  sessionPropagation?: boolean
  /** Not applicable: every step is already persisted in the run's Durable Object before the handler goes on. */
  checkpointing?: CheckpointingOptions
  /** @deprecated in the official SDK too; see `checkpointing`. */
  experimentalCheckpointing?: CheckpointingOptions
  /** Sent as the Bearer token of `sendSignal` over HTTP (with `baseUrl`); runs start inside the worker, with no request from Inngest to verify. */
  signingKey?: string
  /** Not applicable, as `signingKey`. */
  signingKeyFallback?: string
  /** Durable Endpoints (`inngest.endpoint()`) are not supported yet: passing an adapter throws. */
  endpointAdapter?: never
}

const KNOWN_OPTIONS = new Set<string>([
  'id', 'name', 'schemas', 'eventKey', 'baseUrl', 'fetch', 'env', 'logger', 'internalLogger', 'middleware', 'isDev',
  'appVersion', 'optimizeParallelism', 'aiMetadata', 'sessionPropagation', 'checkpointing', 'experimentalCheckpointing',
  'signingKey', 'signingKeyFallback', 'endpointAdapter',
])

const optionError = (option: string, problem: string, fix: string) => new TypeError(`new Inngest({ ${option} }): ${problem}. Fix: ${fix}.`)

/**
 * Checks the options whose values matter here.
 * @throws {TypeError} naming the option, what is wrong and the fix.
 */
export function checkClientOptions(options: ClientOptions): void {
  if (typeof options?.id !== 'string' || options.id.length === 0) {
    throw new TypeError('new Inngest({ id }): id is required. Fix: pass your app id, e.g. new Inngest({ id: "my-app" }).')
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key)) throw optionError(key, `"${key}" is not an option of the Inngest client`, 'remove it, or check its spelling against docs/compatibility.md')
  }
  if (options.fetch !== undefined && typeof options.fetch !== 'function') throw optionError('fetch', 'fetch must be a function', 'pass a fetch implementation, bound: fetch.bind(globalThis)')
  if (options.baseUrl !== undefined && !URL.canParse(options.baseUrl)) throw optionError('baseUrl', `baseUrl is not a URL (got ${JSON.stringify(options.baseUrl)})`, 'pass the URL of your deployed worker, e.g. "https://inngest.example.com"')
  if (options.sessionPropagation === true) {
    throw optionError('sessionPropagation', 'event sessions are not propagated to child runs yet', 'remove sessionPropagation (or set it to false) and pass sessions on each event yourself')
  }
  if (options.endpointAdapter !== undefined) {
    throw optionError('endpointAdapter', 'Durable Endpoints (inngest.endpoint()) are not supported yet', 'remove endpointAdapter; run the work in a function with createFunction')
  }
  if (options.middleware !== undefined && !Array.isArray(options.middleware)) {
    throw optionError('middleware', 'middleware must be an array', 'pass middleware: [new InngestMiddleware(…)] or [MyMiddleware] (a class)')
  }
}
