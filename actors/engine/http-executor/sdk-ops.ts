/**
 * The ops an SDK answers a call with (a `206` body: inngest-js `types.ts StepOpCode`, server
 * `pkg/enums/opcode.go`), read from untrusted JSON into one checked shape. Anything that is not
 * an op list is a `MalformedResponseError`; unknown op codes parse, and the executor refuses them.
 */

/** The op codes the wire carries. */
export const OP = {
  StepRun: 'StepRun',
  Step: 'Step',
  StepError: 'StepError',
  StepFailed: 'StepFailed',
  StepPlanned: 'StepPlanned',
  Sleep: 'Sleep',
  WaitForEvent: 'WaitForEvent',
  InvokeFunction: 'InvokeFunction',
  WaitForSignal: 'WaitForSignal',
  AIGateway: 'AIGateway',
  Gateway: 'Gateway',
  RunComplete: 'RunComplete',
  DiscoveryRequest: 'DiscoveryRequest',
  StepNotFound: 'StepNotFound',
} as const

/** One op as the SDK reported it; `id` is the hashed step id (the step row's key). */
export interface SdkOp {
  readonly id: string
  readonly op: string
  /** Legacy: carries the sleep duration or the awaited event name in the JS SDK. */
  readonly name?: string
  readonly displayName?: string
  readonly opts?: Readonly<Record<string, unknown>>
  /** Present (possibly null) when the op carries a result. */
  readonly hasData: boolean
  readonly data?: unknown
  readonly error?: unknown
  /** The user's step id and its repeat index (`id:1` → index 1). */
  readonly userland?: { readonly id: string; readonly index?: number }
}

/** The app answered something the protocol does not allow: an attempt failed, not the step. */
export class MalformedResponseError extends Error {
  override name = 'MalformedResponseError'
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/** The ops of a 206 body. @throws {MalformedResponseError} when it is not a list of ops. */
export function parseOps(body: unknown): SdkOp[] {
  if (!Array.isArray(body)) throw new MalformedResponseError(`a 206 answer must be a JSON array of ops (got ${describeJson(body)})`)
  return body.map((item, index) => {
    if (!isRecord(item)) throw new MalformedResponseError(`op ${index} is not an object (got ${describeJson(item)})`)
    const { id, op, name, displayName, opts, userland } = item
    if (typeof id !== 'string' || id === '') throw new MalformedResponseError(`op ${index} has no string "id"`)
    if (typeof op !== 'string' || op === '') throw new MalformedResponseError(`op ${index} (${id}) has no string "op"`)
    return {
      id,
      op,
      ...(typeof name === 'string' ? { name } : {}),
      ...(typeof displayName === 'string' ? { displayName } : {}),
      ...(isRecord(opts) ? { opts } : {}),
      hasData: 'data' in item,
      ...('data' in item ? { data: item.data } : {}),
      ...('error' in item ? { error: withClassName(item.error) } : {}),
      ...(isRecord(userland) && typeof userland.id === 'string'
        ? { userland: { id: userland.id, ...(typeof userland.index === 'number' ? { index: userland.index } : {}) } }
        : {}),
    }
  })
}

/** `Name: …` on a stack's first line: the class that threw. */
const STACK_HEAD = /^([A-Za-z_$][\w$]*): /

/**
 * A serialized error named by its class. SDK v3 names every error it serializes "Error"
 * (serialize-error-cjs reads `name` off the prototype, where a subclass that sets `this.name`
 * in its constructor has none), so a `NonRetriableError` arrives as `{ name: "Error", stack:
 * "NonRetriableError: …" }`; the stack's head still names the class, and v4 sends that name.
 */
export function withClassName<T>(error: T): T {
  if (!isRecord(error) || error.name !== 'Error' || typeof error.stack !== 'string') return error
  const thrownAs = STACK_HEAD.exec(error.stack)?.[1]
  return thrownAs && thrownAs !== 'Error' ? { ...error, name: thrownAs } : error
}

/** The user's id of the step an op names (its display id), for step rows and errors. */
export function stepIdOf(op: SdkOp): string {
  const base = op.userland?.id ?? op.displayName ?? op.id
  return op.userland?.index ? `${base}:${op.userland.index}` : base
}

function describeJson(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 80 ? `${text.slice(0, 77)}...` : text
}
