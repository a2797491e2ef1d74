/**
 * Functions as a host object runs them: each handler also receives what that object adds to its
 * context (its platform, for middleware's request arguments; the entity it runs in). Wrapped once
 * per function and object, not per pass.
 */
import type { EngineContext, RunnableFunction } from './function-definition.js'

export function resolveWithContext(
  resolve: (functionId: string) => RunnableFunction | undefined,
  extra: Pick<EngineContext, 'platform' | 'entity'>,
): (functionId: string) => RunnableFunction | undefined {
  const bound = new WeakMap<RunnableFunction, RunnableFunction>()
  return (functionId) => {
    const fn = resolve(functionId)
    if (!fn) return undefined
    let withContext = bound.get(fn)
    if (!withContext) bound.set(fn, (withContext = { ...fn, handler: (ctx: EngineContext) => fn.handler({ ...ctx, ...extra }) }))
    return withContext
  }
}
