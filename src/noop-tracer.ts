/**
 * A tracer with OpenTelemetry's `Tracer` shape whose spans record nothing, as OpenTelemetry's
 * own no-op tracer: what `extendedTracesMiddleware()` gives handlers as `ctx.tracer`.
 */

/** OpenTelemetry's span context; the no-op span's is the invalid (all-zero) one. */
export interface SpanContext {
  traceId: string
  spanId: string
  traceFlags: number
}

/** The methods of an OpenTelemetry `Span`; here each does nothing. */
export interface Span {
  spanContext(): SpanContext
  setAttribute(key: string, value: unknown): this
  setAttributes(attributes: Record<string, unknown>): this
  addEvent(name: string, attributesOrStartTime?: unknown, startTime?: unknown): this
  addLink(link: unknown): this
  addLinks(links: unknown[]): this
  setStatus(status: { code: number; message?: string }): this
  updateName(name: string): this
  end(endTime?: unknown): void
  isRecording(): boolean
  recordException(exception: unknown, time?: unknown): void
}

/** The methods of an OpenTelemetry `Tracer`. */
export interface Tracer {
  startSpan(name: string, options?: object, context?: unknown): Span
  startActiveSpan<F extends (span: Span) => unknown>(name: string, fn: F): ReturnType<F>
  startActiveSpan<F extends (span: Span) => unknown>(name: string, options: object, fn: F): ReturnType<F>
  startActiveSpan<F extends (span: Span) => unknown>(name: string, options: object, context: unknown, fn: F): ReturnType<F>
}

const INVALID_SPAN_CONTEXT: SpanContext = { traceId: '00000000000000000000000000000000', spanId: '0000000000000000', traceFlags: 0 }

class NoopSpan implements Span {
  spanContext(): SpanContext {
    return { ...INVALID_SPAN_CONTEXT }
  }
  setAttribute(): this {
    return this
  }
  setAttributes(): this {
    return this
  }
  addEvent(): this {
    return this
  }
  addLink(): this {
    return this
  }
  addLinks(): this {
    return this
  }
  setStatus(): this {
    return this
  }
  updateName(): this {
    return this
  }
  end(): void {}
  isRecording(): boolean {
    return false
  }
  recordException(): void {}
}

/** A tracer whose spans record nothing; `startActiveSpan` calls its last argument with one and returns what it returns. */
export const noopTracer: Tracer = {
  startSpan: () => new NoopSpan(),
  startActiveSpan(name: string, ...rest: unknown[]) {
    const fn = rest[rest.length - 1]
    if (typeof fn !== 'function') throw new TypeError(`tracer.startActiveSpan("${name}"): the last argument must be a function. Fix: pass (span) => { … }.`)
    return fn(new NoopSpan())
  },
} as Tracer
