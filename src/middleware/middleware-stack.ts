/**
 * A client's (or function's) middleware, checked once: v3 `InngestMiddleware` instances are
 * initialised, and any v3 hook the official SDK does not have is a `TypeError` at `new Inngest`
 * (or `createFunction`), never silently skipped. v4 classes run every official hook.
 */
import type { InngestFunction } from '../inngest-function.js'
import { Middleware } from './base-middleware.js'
import type { InngestMiddleware, MiddlewareRegisterReturn, MiddlewareRunHooks, MiddlewareSendHooks } from './inngest-middleware.js'

/** One entry of `middleware`: a v3 instance or a v4 class. */
export type MiddlewareEntry = InngestMiddleware<any> | Middleware.Class

/** Ready middleware: v3 hooks from `init`, or a v4 class to instantiate per pass and per send. */
export type PreparedMiddleware =
  | { readonly kind: 'v3'; readonly name: string; readonly hooks: Promise<MiddlewareRegisterReturn> }
  | { readonly kind: 'v4'; readonly name: string; readonly create: () => Middleware.BaseMiddleware }

const V3_REGISTER_HOOKS = ['onFunctionRun', 'onSendEvent']
const V3_RUN_HOOKS: readonly (keyof MiddlewareRunHooks)[] = ['transformInput', 'beforeMemoization', 'afterMemoization', 'beforeExecution', 'afterExecution', 'transformOutput', 'finished', 'beforeResponse']
const V3_SEND_HOOKS: readonly (keyof MiddlewareSendHooks)[] = ['transformInput', 'transformOutput']

const unsupported = (name: string, hook: string, fix: string) =>
  new TypeError(`middleware "${name}": hook "${hook}" is not supported yet by @dotdo/inngest. Fix: ${fix} (see docs/compatibility.md).`)

/** Checks the hooks a v3 `init`, `onFunctionRun` or `onSendEvent` returned. */
export function checkV3Hooks(name: string, where: string, hooks: object | void, known: readonly string[]): void {
  for (const [hook, value] of Object.entries(hooks ?? {})) {
    if (value !== undefined && !known.includes(hook)) throw unsupported(name, `${where}.${hook}`, `remove ${hook}, or use one of ${known.join(', ')}`)
  }
}
export const checkRunHooks = (name: string, hooks: object | void) => checkV3Hooks(name, 'onFunctionRun', hooks, V3_RUN_HOOKS)
export const checkSendHooks = (name: string, hooks: object | void) => checkV3Hooks(name, 'onSendEvent', hooks, V3_SEND_HOOKS)

/** One middleware's hooks for one pass: v3 hooks from `onFunctionRun`, or a fresh v4 instance. */
export type PassHooks = { readonly v3: MiddlewareRunHooks; readonly v4?: undefined } | { readonly v4: Middleware.BaseMiddleware; readonly v3?: undefined }

/**
 * Prepares `entries` for `client` (and `fn`, for a function's own middleware).
 * @throws {TypeError} naming a v3 middleware and the hook it returned that is not an official one.
 */
export function prepareMiddleware(entries: readonly MiddlewareEntry[] | undefined, client: unknown, fn?: InngestFunction<any, any, any>): PreparedMiddleware[] {
  return (entries ?? []).map((entry, index) => {
    if (typeof entry === 'function') {
      const name = entry.name || `middleware[${index}]`
      if (typeof (entry as { onRegister?: unknown }).onRegister === 'function') entry.onRegister!({ client, fn: fn ?? null })
      return { kind: 'v4', name, create: () => new entry({ client }) }
    }
    if (typeof entry === 'object' && entry !== null && typeof entry.init === 'function') {
      const name = typeof entry.name === 'string' ? entry.name : `middleware[${index}]`
      const initialised = entry.init(fn ? { client, fn } : { client })
      if (!(initialised instanceof Promise)) checkV3Hooks(name, 'init', initialised, V3_REGISTER_HOOKS)
      const hooks = Promise.resolve(initialised).then((hooks) => (checkV3Hooks(name, 'init', hooks, V3_REGISTER_HOOKS), hooks ?? {}))
      hooks.catch(() => {}) // reported where the hooks are used
      return { kind: 'v3', name, hooks }
    }
    throw new TypeError(`middleware[${index}] is neither a v3 InngestMiddleware nor a v4 middleware class. Fix: pass new InngestMiddleware({ name, init }) or a class extending Middleware.BaseMiddleware.`)
  })
}
