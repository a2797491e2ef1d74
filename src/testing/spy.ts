/**
 * A small Jest-compatible spy, so `expect(ctx.step.run).toHaveBeenCalledWith(…)` works in vitest,
 * Jest, Bun and Deno without depending on any of them (as `@inngest/test` ships its own).
 * Matchers recognise it by `_isMockFunction` and read `mock.calls`, `mock.results` and
 * `getMockName()`.
 */

type Procedure = (...args: any[]) => any

/** One call's outcome, as `mock.results` lists it. */
export type MockResult<T> = { type: 'return'; value: T } | { type: 'throw'; value: unknown } | { type: 'incomplete'; value: undefined }

/** What a spy has recorded. */
export interface MockState<T extends Procedure> {
  calls: Parameters<T>[]
  results: MockResult<ReturnType<T>>[]
  instances: unknown[]
  contexts: unknown[]
  invocationCallOrder: number[]
  readonly lastCall: Parameters<T> | undefined
}

/** A spy: callable as `T`, recording every call. */
export interface Mock<T extends Procedure = Procedure> {
  (...args: Parameters<T>): ReturnType<T>
  readonly _isMockFunction: true
  readonly mock: MockState<T>
  getMockName(): string
  mockName(name: string): this
  mockClear(): this
  mockReset(): this
  getMockImplementation(): T | undefined
  mockImplementation(impl: T): this
  mockImplementationOnce(impl: T): this
  mockReturnValue(value: ReturnType<T>): this
  mockResolvedValue(value: Awaited<ReturnType<T>>): this
  mockRejectedValue(error: unknown): this
}

/** Options of `fn`: `recorded` picks the arguments a call is recorded with (all by default). */
export interface SpyOptions {
  readonly name?: string
  readonly recorded?: (args: unknown[]) => unknown[]
}

let callOrder = 0

/**
 * A spy around `impl` (a no-op by default), as `vi.fn(impl)` / `jest.fn(impl)`.
 * @example
 * ```ts
 * const send = fn(async () => ({ ids: [] }))
 * await send('x')
 * expect(send).toHaveBeenCalledWith('x')
 * ```
 */
export function fn<T extends Procedure = Procedure>(impl?: T, options: SpyOptions = {}): Mock<T> {
  let implementation = impl
  let once: T[] = []
  let name = options.name ?? 'spy'
  const state: MockState<T> = {
    calls: [],
    results: [],
    instances: [],
    contexts: [],
    invocationCallOrder: [],
    get lastCall() {
      return this.calls[this.calls.length - 1]
    },
  }
  const spy = function (this: unknown, ...args: Parameters<T>): ReturnType<T> {
    state.calls.push((options.recorded ? options.recorded(args) : args) as Parameters<T>)
    state.contexts.push(this)
    state.instances.push(this)
    state.invocationCallOrder.push(++callOrder)
    const result: MockResult<ReturnType<T>> = { type: 'incomplete', value: undefined }
    state.results.push(result)
    const current = once.shift() ?? implementation
    try {
      const value = current?.apply(this, args) as ReturnType<T>
      Object.assign(result, { type: 'return', value })
      return value
    } catch (error) {
      Object.assign(result, { type: 'throw', value: error })
      throw error
    }
  } as Mock<T>
  const methods = {
    _isMockFunction: true as const,
    mock: state,
    getMockName: () => name,
    mockName: (next: string) => ((name = next), spy),
    mockClear: () => {
      for (const list of [state.calls, state.results, state.instances, state.contexts, state.invocationCallOrder]) list.length = 0
      return spy
    },
    mockReset: () => {
      spy.mockClear()
      implementation = undefined
      once = []
      return spy
    },
    getMockImplementation: () => implementation,
    mockImplementation: (next: T) => ((implementation = next), spy),
    mockImplementationOnce: (next: T) => (once.push(next), spy),
    mockReturnValue: (value: ReturnType<T>) => spy.mockImplementation((() => value) as T),
    mockResolvedValue: (value: unknown) => spy.mockImplementation((() => Promise.resolve(value)) as T),
    mockRejectedValue: (error: unknown) => spy.mockImplementation((() => Promise.reject(error)) as T),
  }
  return Object.assign(spy, methods)
}

/** `T` with every function, at any depth, replaced by a spy of itself. */
export type DeepMock<T> = T extends Procedure ? Mock<T> : T extends object ? { [K in keyof T]: DeepMock<T[K]> } : T

/**
 * Spies on every function of `value`, at any depth; each spy calls through to the original.
 * Plain objects are copied, other values kept.
 */
export function mockAny<T>(value: T): DeepMock<T> {
  if (typeof value === 'function') return fn(value as Procedure) as DeepMock<T>
  if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return value as DeepMock<T>
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, mockAny(item)])) as DeepMock<T>
}
