/**
 * A client's (or function's) middleware, checked once: v3 `InngestMiddleware` instances are
 * initialised and v4 classes inspected, so any official hook inngest.do does not run is a
 * `TypeError` at `new Inngest` (or `createFunction`), never silently skipped.
 */
import type { InngestFunction } from '../inngest-function.js'
import { Middleware, SUPPORTED_HOOKS, UNSUPPORTED_HOOKS } from './base-middleware.js'
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

/** The hook methods a v4 class defines, its own and inherited, up to `BaseMiddleware`. */
function definedHooks(cls: Function): string[] {
  const names = new Set<string>()
  for (let proto = cls.prototype; proto && proto !== Middleware.BaseMiddleware.prototype && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const key of Object.getOwnPropertyNames(proto)) if (key !== 'constructor' && typeof Object.getOwnPropertyDescriptor(proto, key)?.value === 'function') names.add(key)
  }
  return [...names]
}

/** Refuses an official v4 hook this SDK does not run, on the class or on an instance. */
export function checkV4Hooks(name: string, hooks: readonly string[]): void {
  for (const hook of hooks) {
    if ((UNSUPPORTED_HOOKS as readonly string[]).includes(hook)) throw unsupported(name, hook, `remove ${hook}, or use one of ${[...SUPPORTED_HOOKS].join(', ')}`)
  }
}

/** Own function-valued fields of an instance (hooks written as arrow functions). */
export const instanceHooks = (instance: object) => Object.keys(instance).filter((key) => typeof (instance as Record<string, unknown>)[key] === 'function')

/**
 * Prepares `entries` for `client` (and `fn`, for a function's own middleware).
 * @throws {TypeError} naming the middleware and the hook it uses that is not supported.
 */
export function prepareMiddleware(entries: readonly MiddlewareEntry[] | undefined, client: unknown, fn?: InngestFunction<any, any, any>): PreparedMiddleware[] {
  return (entries ?? []).map((entry, index) => {
    if (typeof entry === 'function') {
      const name = entry.name || `middleware[${index}]`
      checkV4Hooks(name, definedHooks(entry))
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
