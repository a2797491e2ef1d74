/**
 * CEL expressions as Inngest uses them: trigger `if`, waitForEvent and cancelOn `if`/`match`,
 * and flow-control keys (`concurrency.key`, `throttle.key`, `priority.run`, `idempotency` …).
 * Parsing and type checking are done by `@marcbachmann/cel-js` (a tree-walking interpreter: no
 * `eval`, so it runs in workerd); this file adapts JSON values to CEL and CEL results back.
 */
import { Environment } from '@marcbachmann/cel-js'
import { InputError } from './input-error.js'

/** The variables an expression sees: `event` (the triggering event), `async` (an incoming one). */
export interface ExpressionVars {
  event?: unknown
  async?: unknown
}

/** An expression parsed and type-checked once, ready to evaluate against many events. */
export interface CompiledExpression {
  /** The CEL source as written. */
  readonly source: string
  /** The config field it came from, e.g. `triggers[0].if`, used in errors. */
  readonly field: string
  /**
   * The expression's value, as plain JS: CEL ints become numbers (bigints only beyond 2^53).
   * @throws {ExpressionError} when evaluation fails, e.g. a missing field or a type mismatch.
   */
  evaluate(vars: ExpressionVars): unknown
  /**
   * Whether the expression is exactly `true`. Anything else is no match, and so is an evaluation
   * error (a missing field, `null.x`, a type mismatch): as in Inngest, an expression that cannot be
   * evaluated for an event does not match it, rather than failing the event's routing.
   */
  matches(vars: ExpressionVars): boolean
}

/**
 * A CEL expression that does not parse or type-check. A `TypeError` (it is bad input, found at
 * `createFunction` or `step.waitForEvent`); `field`, `problem` and `fix` let callers re-word it.
 */
export class ExpressionSyntaxError extends InputError {
  constructor(field: string, problem: string, fix: string) {
    super(field, problem, fix)
  }
}

/** A valid expression that failed for one set of variables, e.g. `event.data.plan` with no `plan`. */
export class ExpressionError extends Error {
  override readonly name = 'ExpressionError'
  readonly field: string
  readonly source: string

  constructor(field: string, source: string, problem: string, options?: { cause?: unknown }) {
    super(`${field}: ${JSON.stringify(source)} failed: ${problem}`, options)
    this.field = field
    this.source = source
  }
}

type Program = (vars: Record<string, unknown>) => unknown

// Trigger, wait and cancel conditions are named `if`; everything else (keys, priority) is a value.
const CONDITION_FIELD = /(?:^|\.)if$/
const CONDITION_FIX = 'write a CEL boolean over event (and async for waits and cancellations), such as "event.data.plan == \'pro\'"'
const VALUE_FIX = 'write a CEL expression over event, such as "event.data.userId"'
// waitForEvent conditions often embed run values (`async.data.id == '123'`), so the cache is
// bounded; 1,000 programs is far more than one isolate's functions declare.
const MAX_CACHED_PROGRAMS = 1_000

const programs = new Map<string, Program>()
let environment: Environment | undefined

/**
 * Parses and type-checks `source` once per isolate (later calls with the same source reuse it).
 * @param field the config path named in errors, e.g. `triggers[0].if` or `concurrency.key`.
 * @throws {ExpressionSyntaxError} (a `TypeError`) naming `field`, the parser's problem and a fix.
 * @example
 * ```ts
 * const proOnly = compileExpression("event.data.plan == 'pro'", 'triggers[0].if')
 * proOnly.matches({ event: { data: { plan: 'pro' } } }) // true
 * ```
 */
export function compileExpression(source: string, field: string): CompiledExpression {
  const program = programs.get(source) ?? remember(source, parseProgram(source, field))
  return {
    source,
    field,
    evaluate: (vars) => evaluateProgram(program, vars, field, source),
    matches(vars) {
      try {
        return evaluateProgram(program, vars, field, source) === true
      } catch {
        return false
      }
    },
  }
}

/**
 * The `if` that Inngest's `match` shorthand stands for: the same dotted path on the triggering
 * event and on the incoming one.
 * @example
 * ```ts
 * matchToIf('data.userId') // 'event.data.userId == async.data.userId'
 * ```
 */
export function matchToIf(match: string): string {
  const path = match.trim()
  return `event.${path} == async.${path}`
}

function celEnvironment(): Environment {
  if (environment !== undefined) return environment
  // Event fields have no declared types, so `event` and `async` are `dyn`; declaring them (rather
  // than allowing any name) makes a typo such as `evnt.data.x` fail at compile time.
  const env = new Environment({ unlistedVariablesAreDyn: false, homogeneousAggregateLiterals: false })
    .registerVariable('event', 'dyn')
    .registerVariable('async', 'dyn')
  // JSON does not tell 100 from 100.0, so a field may arrive as int or double; mixed arithmetic
  // (`event.data.amount * 1.1`) is defined as double arithmetic instead of "no such overload".
  const arithmetic: ReadonlyArray<[string, (a: number, b: number) => number]> = [
    ['+', (a, b) => a + b], ['-', (a, b) => a - b], ['*', (a, b) => a * b], ['/', (a, b) => a / b],
  ]
  for (const [op, apply] of arithmetic) {
    env.registerOperator(`int ${op} double`, (a: bigint, b: number) => apply(Number(a), b))
    env.registerOperator(`double ${op} int`, (a: number, b: bigint) => apply(a, Number(b)))
  }
  environment = env
  return env
}

function parseProgram(source: string, field: string): Program {
  const fix = CONDITION_FIELD.test(field) ? CONDITION_FIX : VALUE_FIX
  if (typeof source !== 'string' || source.trim() === '') {
    throw new ExpressionSyntaxError(field, `must be a non-empty CEL expression (got ${JSON.stringify(source)})`, fix)
  }
  const invalid = (error: unknown): never => {
    throw new ExpressionSyntaxError(field, `${JSON.stringify(source)} is not a valid CEL expression (${describeCelError(error)})`, fix)
  }
  try {
    const parsed = celEnvironment().parse(source)
    const checked = parsed.check()
    if (!checked.valid) invalid(checked.error)
    return parsed
  } catch (error) {
    if (error instanceof ExpressionSyntaxError) throw error
    return invalid(error)
  }
}

function remember(source: string, program: Program): Program {
  if (programs.size >= MAX_CACHED_PROGRAMS) {
    const oldest = programs.keys().next()
    if (oldest.done !== true) programs.delete(oldest.value)
  }
  programs.set(source, program)
  return program
}

function evaluateProgram(program: Program, vars: ExpressionVars, field: string, source: string): unknown {
  const context: Record<string, unknown> = {}
  if (vars.event !== undefined) context.event = toCel(vars.event)
  if (vars.async !== undefined) context.async = toCel(vars.async)
  try {
    return fromCel(program(context))
  } catch (error) {
    throw new ExpressionError(field, source, describeCelError(error), { cause: error })
  }
}

// One event is usually tested against many expressions (every function's `if`), so its CEL form
// is built once per object.
const celForms = new WeakMap<object, unknown>()

/** JSON values in CEL terms: whole numbers become CEL ints (bigint), others stay doubles. */
function toCel(value: unknown): unknown {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? BigInt(value) : value
  if (typeof value !== 'object' || value === null) return value
  const cached = celForms.get(value)
  if (cached !== undefined) return cached
  let converted: unknown = value
  if (Array.isArray(value)) converted = value.map(toCel)
  else if (isPlainObject(value)) converted = Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toCel(item)]))
  celForms.set(value, converted)
  return converted
}

function fromCel(value: unknown): unknown {
  if (typeof value === 'bigint') {
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value
  }
  if (Array.isArray(value)) return value.map(fromCel)
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fromCel(item)]))
  return value
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false
  const proto: unknown = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

// The library's message repeats the source with a caret on extra lines; a one-line summary and
// the column read better inside our single-line errors.
function describeCelError(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  const { summary, range } = error as Error & { summary?: unknown; range?: { start?: unknown } }
  const text = typeof summary === 'string' ? summary : (error.message.split('\n')[0] ?? error.message)
  return typeof range?.start === 'number' ? `${text} at column ${range.start + 1}` : text
}
