/**
 * `referenceFunction({ functionId, appId? })`: a function to `step.invoke` by id, without
 * importing its definition, as in the official SDK. Without `appId` it names a function of the
 * invoking app; its composite id `${appId}-${functionId}` is resolved when invoked.
 */
import type { EngineHandler, EngineStepTools, InvokeTarget } from '../actors/engine/function-definition.js'
import type { InngestFunction } from './inngest-function.js'
import type { StandardSchemaV1 } from './standard-schema.js'
import type { GetFunctionOutput } from './types.js'

const TAG = 'Inngest.FunctionReference'

/** A function by id: invoke it with `step.invoke(id, { function: ref, data })`. */
export class InngestFunctionReference<Input extends { data?: any } = { data?: Record<string, any> }, Output = unknown> {
  /** Phantom field carrying the types; never set at runtime. */
  declare readonly __types?: { input: Input; output: Output }

  constructor(readonly opts: { functionId: string; appId?: string }) {}

  get [Symbol.toStringTag](): typeof TAG {
    return TAG
  }
}

/** What `referenceFunction` takes: ids, and optional schemas typing `data` and the output. */
export interface ReferenceFunctionArgs<DataSchema = undefined, ReturnSchema = undefined> {
  functionId: string
  appId?: string
  schemas?: { data?: DataSchema; return?: ReturnSchema }
}

type SchemaInput<S, Fallback> = S extends StandardSchemaV1 ? StandardSchemaV1.InferInput<S> : Fallback
type SchemaOutput<S, Fallback> = S extends StandardSchemaV1 ? StandardSchemaV1.InferOutput<S> : Fallback

/** The reference for a created function type, or for schemas. */
export type ReferenceFor<Args> = Args extends InngestFunction<any, infer Event, any>
  ? InngestFunctionReference<{ data: Event extends { data: infer D } ? D : Record<string, any> }, GetFunctionOutput<Args>>
  : Args extends ReferenceFunctionArgs<infer D, infer R>
    ? InngestFunctionReference<D extends StandardSchemaV1 ? { data: SchemaInput<D, never> } : { data?: Record<string, any> }, SchemaOutput<R, unknown>>
    : never

/**
 * @example
 * ```ts
 * const sendEmail = referenceFunction<typeof emailFn>({ functionId: 'send-email' }) // typed by the function
 * const billing = referenceFunction({ functionId: 'charge', appId: 'billing', schemas: { data: z.object({ amount: z.number() }) } })
 * const result = await step.invoke('email', { function: sendEmail, data: { to } })
 * ```
 */
export function referenceFunction<Args extends ReferenceFunctionArgs<any, any> | InngestFunction<any, any, any> = ReferenceFunctionArgs<undefined, undefined>>(
  args: Args extends InngestFunction<any, any, any> ? Omit<ReferenceFunctionArgs, 'schemas'> : Args,
): ReferenceFor<Args> {
  const { functionId, appId } = (args ?? {}) as ReferenceFunctionArgs
  if (typeof functionId !== 'string' || functionId.length === 0) {
    throw new TypeError('referenceFunction: functionId is required. Fix: pass the id given to createFunction, e.g. referenceFunction({ functionId: "send-email" }).')
  }
  if (appId !== undefined && (typeof appId !== 'string' || appId.length === 0)) {
    throw new TypeError(`referenceFunction("${functionId}"): appId must be a non-empty string. Fix: pass the id of the app the function belongs to, or leave appId out for this app.`)
  }
  return new InngestFunctionReference(appId === undefined ? { functionId } : { functionId, appId }) as ReferenceFor<Args>
}

/** A reference, recognised by its tag so one from a second copy of the SDK works too. */
function asReference(value: unknown): { functionId: string; appId?: string } | undefined {
  if (typeof value !== 'object' || value === null || Object.prototype.toString.call(value) !== `[object ${TAG}]`) return undefined
  return (value as InngestFunctionReference).opts
}

/** Wraps a handler so `step.invoke` takes references, resolved against the invoking app `appId`. */
export function withFunctionReferences(handler: EngineHandler, appId: string): EngineHandler {
  return (ctx) => handler({ ...ctx, step: resolvingInvoke(ctx.step, appId) })
}

function resolvingInvoke(step: EngineStepTools, appId: string): EngineStepTools {
  return {
    ...step,
    invoke: (id, options) => {
      const reference = asReference(options?.function)
      if (!reference) return step.invoke(id, options)
      const target: InvokeTarget = `${reference.appId ?? appId}-${reference.functionId}`
      return step.invoke(id, { ...options, function: target })
    },
  }
}
