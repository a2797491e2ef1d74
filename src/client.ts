/**
 * The Inngest client: create functions and send events, with the official SDK's call shapes so
 * an app moves over by changing its import.
 */
import type { EngineContext, EngineHandler, FunctionOptions } from '../actors/internal.js'
import { failureHandlerId, registerFunctions, type Registration } from '../actors/registry.js'
import { normalizeFunctionConfig } from './config/normalize-function-config.js'
import { ConfigError, isConfigObject } from './config/config-error.js'
import { prepareEvents } from '../actors/events/prepare-events.js'
import { sendEvents } from './events/send-events.js'
import type { EventSchemas } from './event-schemas.js'
import { addSchemas, plainTriggers, triggerSchemas, validateSentEvents, withEventValidation, type SchemasByName } from './event-validation.js'
import { InngestFunction } from './inngest-function.js'
import { withTypedSteps } from './typed-steps.js'
import type { EventForTriggers, EventMap, FunctionConfig, HandlerContext, SendableEvent, SendSignalOptions, SendSignalResponse, TriggerInput } from './types.js'
import { runWithAmbientStep } from '../actors/engine/ambient-step.js'
import { checkSignal, deliverSignal, signalEnvInWorker, signalOutsideWorker } from '../actors/events/signals.js'
import { checkClientOptions, type ClientOptions } from './client-options.js'
import { postSignal } from './http-event-sender.js'
import { withFunctionReferences } from './function-reference.js'
import type { MiddlewareContext } from './middleware/middleware-context.js'
import { prepareMiddleware, type MiddlewareEntry, type PreparedMiddleware } from './middleware/middleware-stack.js'
import { withMiddleware } from './middleware/run-middleware.js'
import { sendEventThroughMiddleware } from './middleware/send-middleware.js'
import { INVOKED_EVENT } from './triggers.js'

export type { ClientOptions } from './client-options.js'

/** The events a client's schemas declare; `{}` without schemas (every event is then open). */
type EventsOf<Options> = Options extends { schemas: EventSchemas<infer Events> } ? Events : {}

type Triggers<Events extends EventMap> = TriggerInput<Events> | readonly TriggerInput<Events>[]

/** The config, event and function types of a function with triggers `T` on a client. */
type ConfigFor<Options, T> = FunctionConfig<EventsOf<Options>, EventForTriggers<EventsOf<Options>, T>>
/** A handler's input: the events and steps its triggers give, plus what the client's middleware adds. */
type HandlerFor<Options, T, Output> = (ctx: HandlerContext<EventsOf<Options>, EventForTriggers<EventsOf<Options>, T>> & MiddlewareContext<Options>) => Output | Promise<Output>
type FunctionFor<Options, T, Output> = InngestFunction<ConfigFor<Options, T>, EventForTriggers<EventsOf<Options>, T>, Output>

/**
 * The events a client knows, by name, as `send` takes them: `GetEvents<typeof inngest>['app/user.created']`.
 */
export type GetEvents<Client> = Client extends Inngest<infer Options>
  ? { [Name in keyof EventsOf<Options> & string]: SendableEvent<EventsOf<Options>, Name> }
  : never

/**
 * @example
 * ```ts
 * const inngest = new Inngest({ id: 'shop' })
 * export const hello = inngest.createFunction({ id: 'hello-world' }, { event: 'test/hello' },
 *   async ({ event, step }) => step.run('greet', () => `Hello, ${event.data.name}!`))
 * await inngest.send({ name: 'test/hello', data: { name: 'World' } })
 * ```
 */
export class Inngest<const Options extends ClientOptions = ClientOptions> {
  readonly id: string
  private readonly functionIds = new Set<string>()
  /** The `eventType` schemas of this client's triggers: `send` validates events by name. */
  private readonly eventSchemas: SchemasByName = new Map()
  /** The client's middleware, initialised once; any hook not supported was refused here. */
  private readonly middleware: readonly PreparedMiddleware[]

  /**
   * The client's `EventSchemas`, where the official validation middleware
   * (`@inngest/middleware-validation`) reads them: `client.schemas.runtimeSchemas`.
   */
  readonly schemas: Options['schemas']

  constructor(readonly options: Options) {
    checkClientOptions(options)
    this.id = options.id
    this.schemas = options.schemas
    this.middleware = prepareMiddleware(options.middleware, this)
  }

  /** Inngest v3 form: `createFunction(config, trigger | triggers, handler)`. */
  createFunction<const T extends Triggers<EventsOf<Options>>, Output>(
    config: ConfigFor<Options, T>,
    trigger: T,
    handler: HandlerFor<Options, T, Output>,
  ): FunctionFor<Options, T, Output>
  /** Inngest v4 form: `createFunction({ ...config, triggers }, handler)`. */
  createFunction<const T extends Triggers<EventsOf<Options>>, Output>(
    config: ConfigFor<Options, T> & { triggers: T },
    handler: HandlerFor<Options, T, Output>,
  ): FunctionFor<Options, T, Output>
  createFunction(config: unknown, triggerOrHandler: unknown, maybeHandler?: unknown): InngestFunction {
    const v4 = typeof triggerOrHandler === 'function'
    const handler = v4 ? triggerOrHandler : maybeHandler
    const triggers = v4 ? (isConfigObject(config) ? config.triggers : undefined) : triggerOrHandler
    const options = withoutInvokeTriggers(normalizeFunctionConfig(v4 ? withPlainTriggers(config) : config, v4 ? undefined : plainTriggers(triggers)))
    if (typeof handler !== 'function') {
      throw new ConfigError(options.id, 'handler', 'is missing', 'pass an async handler: createFunction(config, trigger, async ({ event, step }) => { … })')
    }
    if (this.functionIds.has(options.id)) {
      throw new ConfigError(options.id, 'id', `is already used by another function of app "${this.id}"`, 'give every function a unique id')
    }
    const fn = new InngestFunction(this.id, options)
    const schemas = triggerSchemas(triggers)
    const { logger } = this.options
    const middleware = [...this.middleware, ...prepareMiddleware((config as { middleware?: MiddlewareEntry[] }).middleware, this, fn)]
    const sdkHandler = (inner: EngineHandler) => withMiddleware(withFunctionReferences(withTypedSteps(inner, this.eventSchemas), this.id), middleware, fn)
    const onFailure = (config as FunctionConfig).onFailure
    const origin = { appId: this.id, functionId: options.id, definition: definitionText(this.id, options, handler, onFailure) }
    const registrations: Registration[] = [
      { id: fn.compositeId, fn: { options, handler: sdkHandler(withEventValidation(withAmbientStep(handler as EngineHandler), schemas)), ...(logger ? { logger } : {}) }, origin },
    ]
    if (onFailure) {
      const failure = failureFunction(options, onFailure)
      registrations.push({ id: failureHandlerId(fn.compositeId), fn: { options: failure.options, handler: sdkHandler(withAmbientStep(failure.handler)), ...(logger ? { logger } : {}) }, origin: { ...origin, generated: 'onFailure' } })
    }
    // Before the client keeps anything: a refused function leaves no trace.
    registerFunctions(registrations)
    this.functionIds.add(options.id)
    addSchemas(this.eventSchemas, schemas)
    return fn
  }

  /**
   * Sends one event or many. Events are validated all-or-nothing, given ULID ids and
   * timestamps, stored durably and delivered; resolves with their ids in input order. Events the
   * schemas name need their typed `data`; other names take any object. Data with an
   * `eventType` schema (its own, or one of this client's triggers) is validated first.
   */
  async send<const Name extends string>(
    payload: SendableEvent<EventsOf<Options>, Name> | readonly SendableEvent<EventsOf<Options>, Name>[],
  ): Promise<{ ids: string[] }> {
    return sendEventThroughMiddleware(payload, this.middleware, null, (transformed) => this.sendNow(transformed))
  }

  private async sendNow(payload: unknown): Promise<{ ids: string[] }> {
    const prepared = prepareEvents(payload, Date.now())
    if (!prepared.ok) {
      const { index, field, error, fix } = prepared.problem
      throw new TypeError(`inngest.send: event[${index}]${field ? `.${field}` : ''}: ${error}. Fix: ${fix}.`)
    }
    await validateSentEvents(payload, prepared.events, this.eventSchemas)
    return { ids: await sendEvents(prepared.events, this.options) }
  }

  /**
   * Sends a signal to the run waiting for it (`step.waitForSignal`), which receives
   * `{ signal, data }`. A signal reaches only a run waiting when it is sent; it is not kept.
   * @returns `{ runId }` of the run that received it; `{ runId: undefined }` when no run waits for it.
   * @example
   * ```ts
   * const { runId } = await inngest.sendSignal({ signal: `approval/${orderId}`, data: { approved: true } })
   * ```
   */
  async sendSignal({ signal, data }: SendSignalOptions): Promise<SendSignalResponse> {
    checkSignal(signal, data, 'inngest.sendSignal')
    const { baseUrl } = this.options
    if (baseUrl) return postSignal(signal, data, { ...this.options, baseUrl })
    const env = await signalEnvInWorker()
    if (!env) throw signalOutsideWorker('inngest.sendSignal')
    return deliverSignal(env, signal, data)
  }

  /**
   * Durable Endpoints (the official `inngest.endpoint()`) are not supported: there is no HTTP
   * endpoint to make durable here; a function's steps already are.
   * @throws TypeError naming the alternative
   */
  endpoint(..._args: unknown[]): never {
    throw new TypeError('inngest.endpoint(): Durable Endpoints are not supported by inngest.do. Fix: make the work a function (createFunction) and trigger it with an event or step.invoke; its steps are durable.')
  }

  /**
   * The official `setEnvVars(env)` re-reads `INNGEST_*` settings from `env`. Here the worker's
   * settings come from its bindings and the client's options, fixed when it is created.
   * @throws TypeError naming the alternative
   */
  setEnvVars(..._args: unknown[]): never {
    throw new TypeError('inngest.setEnvVars(): not supported; the worker reads INNGEST_* from its own bindings. Fix: pass eventKey, baseUrl or isDev to new Inngest({ … }), or set the variables in wrangler.toml / as secrets.')
  }
}

/** The config with `eventType` triggers as plain `{ event }` triggers, which the normaliser knows. */
function withPlainTriggers(config: unknown): unknown {
  return isConfigObject(config) && config.triggers !== undefined ? { ...config, triggers: plainTriggers(config.triggers) } : config
}

/**
 * The triggers events are routed by: `invoke(schema)` only types and validates what
 * `step.invoke` sends (which starts the function directly), so it is not one of them.
 */
function withoutInvokeTriggers(options: FunctionOptions): FunctionOptions {
  return { ...options, triggers: options.triggers.filter((trigger) => !('event' in trigger && trigger.event === INVOKED_EVENT)) }
}

/**
 * What tells one definition from another: the app, the normalised options and the handlers'
 * source. The same module evaluated twice gives the same text, so registering it again is harmless.
 */
function definitionText(appId: string, options: FunctionOptions, handler: unknown, onFailure: unknown): string {
  return JSON.stringify([appId, options, String(handler), onFailure === undefined ? null : String(onFailure)])
}

/**
 * The onFailure handler as its own function, started with `inngest/function.failed` under the
 * generated id `failureHandlerId(compositeId)` (Inngest names it `${id}-failure`, an id a user
 * function could also take).
 */
function failureFunction(options: ReturnType<typeof normalizeFunctionConfig>, onFailure: (ctx: any) => unknown) {
  return {
    // No triggers: the failed run starts it directly (so it never sees other functions' failures).
    options: { ...options, id: failureHandlerId(options.id), triggers: [], cancelOn: [], flow: { concurrency: [] } },
    handler: (ctx: EngineContext) => {
      const failed = (ctx.event.data.error ?? {}) as { name?: string; message?: string; stack?: string }
      const error = Object.assign(new Error(failed.message ?? 'unknown error'), { name: failed.name ?? 'Error' })
      if (failed.stack) error.stack = failed.stack
      return onFailure({ ...ctx, error })
    },
  }
}

/**
 * The user's handler with its `step` as the ambient one (`import { step } from '@dotdo/inngest'`):
 * bound here, innermost, so the ambient tools are the ones the handler receives, through the
 * client's middleware, typed steps and function references, as the official SDK's are.
 */
function withAmbientStep(handler: EngineHandler): EngineHandler {
  return (ctx) => runWithAmbientStep(ctx.step, () => handler(ctx))
}
