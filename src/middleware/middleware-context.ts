/**
 * The handler input middleware adds, as types: `dependencyInjectionMiddleware({ db })`, a v4
 * `transformFunctionInput` or a v3 `transformInput` returning `{ ctx: { db } }` types `ctx.db`.
 */
import type { InngestMiddleware } from './inngest-middleware.js'

type UnionToIntersection<U> = (U extends unknown ? (value: U) => void : never) extends (value: infer I) => void ? I : never

/** Keys every handler input has: middleware only adds the others. */
type BaseKeys = 'event' | 'events' | 'step' | 'runId' | 'attempt' | 'logger'

type Returned<F> = F extends (...args: any[]) => infer R ? Awaited<R> : never

type AddedByV3<Options> = Options extends { init: infer Init }
  ? Returned<Init> extends { onFunctionRun?: infer Run }
    ? Returned<NonNullable<Run>> extends infer Hooks
      ? Hooks extends { transformInput?: infer Transform }
        ? Returned<NonNullable<Transform>> extends infer Out
          ? Out extends { ctx?: infer Added }
            ? NonNullable<Added>
            : {}
          : {}
        : {}
      : {}
    : {}
  : {}

type AddedByV4<Instance> = Instance extends { transformFunctionInput?: infer Transform }
  ? Returned<NonNullable<Transform>> extends { ctx: infer Ctx }
    ? { [K in keyof Ctx as string extends K ? never : K extends BaseKeys ? never : K]: Ctx[K] }
    : {}
  : {}

type AddedBy<Entry> = Entry extends InngestMiddleware<infer Options> ? AddedByV3<Options> : Entry extends abstract new (...args: any[]) => infer Instance ? AddedByV4<Instance> : {}

/** What the middleware of client options `Options` add to every handler's input. */
export type MiddlewareContext<Options> = Options extends { middleware: readonly (infer Entry)[] } ? UnionToIntersection<AddedBy<Entry>> & {} : {}
