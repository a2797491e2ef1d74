/**
 * `@dotdo/inngest/test`: `@inngest/test`'s `InngestTestEngine` for functions created with
 * `@dotdo/inngest`, run in-process on this SDK's engine.
 * @example
 * ```ts
 * import { InngestTestEngine } from '@dotdo/inngest/test'
 * const t = new InngestTestEngine({ function: myFn })
 * const { result } = await t.execute({ events: [{ name: 'demo/event.sent', data: { message: 'Hi' } }] })
 * ```
 */
export { InngestTestEngine, createMockEvent, mockCtx } from './test-engine.js'
export { fn, mockAny } from './spy.js'
export type { DeepMock, Mock, MockResult, MockState, SpyOptions } from './spy.js'
