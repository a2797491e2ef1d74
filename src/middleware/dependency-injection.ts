/**
 * `dependencyInjectionMiddleware(values)`: adds `values` to every handler's input, as the
 * official v4 built-in does (`ctx.db`, `ctx.stripe`, …).
 */
import { Middleware } from './base-middleware.js'

/**
 * @example
 * ```ts
 * const inngest = new Inngest({ id: 'app', middleware: [dependencyInjectionMiddleware({ db })] })
 * inngest.createFunction({ id: 'f', triggers: [{ event: 'a' }] }, async ({ db }) => db.query())
 * ```
 */
export function dependencyInjectionMiddleware<Injected extends Record<string, any>>(injected: Injected) {
  return class DependencyInjectionMiddleware extends Middleware.BaseMiddleware {
    readonly id = 'inngest:dependency-injection'
    override transformFunctionInput(arg: Middleware.TransformFunctionInputArgs): Middleware.TransformFunctionInputArgs & { ctx: Injected } {
      return { ...arg, ctx: { ...arg.ctx, ...injected } }
    }
  }
}
