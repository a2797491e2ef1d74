/**
 * A delivery batch's events grouped by the flow gate object that decides them: one call per
 * gate with its events in delivery order, the gates called in parallel. An unkeyed gate sees a
 * batch of 100 events as one request, not 100 (an object serves about 1,000 requests a second).
 */
import type { RunEventPayload } from '../engine/executor.js'
import { flowGateNameFor, flowGateStub, type FlowGateEnv, type FlowGateKind, type FlowGateRpc } from '../flow-gate-rpc.js'

/** The most event bytes one gate call carries: RPC takes 32 MiB, and a queue batch's bound (100 × 128 KiB) fits. */
const MAX_GATE_CALL_BYTES = 16 * 1024 * 1024

/** One event of a stage, with its position in the delivery. */
export interface GateMember {
  readonly index: number
  readonly event: RunEventPayload
}

/** Where a stage's events go: the gate option, its function and its key (CEL over `event`). */
export interface GateSelector {
  readonly kind: FlowGateKind
  readonly functionId: string
  readonly keySource: string | undefined
  /** An event's size in bytes, or a bound on it; `() => 0` for calls that carry no events. */
  readonly sizeOf: (event: RunEventPayload) => number
}

/**
 * Calls `call` once per gate the members select, with that gate's members in their order (in
 * parts of at most MAX_GATE_CALL_BYTES, one after another). A call answers one value per member.
 * @returns per member, in `members`' order: its answer, or the error of its gate's call (a
 * failed part fails the gate's later parts too, so a retry keeps their order).
 */
export async function callPerGate<Member extends GateMember, Answer>(
  env: FlowGateEnv,
  selector: GateSelector,
  members: readonly Member[],
  call: (gate: FlowGateRpc, group: readonly Member[]) => Promise<readonly Answer[]>,
): Promise<Array<PromiseSettledResult<Answer>>> {
  const { kind, functionId, keySource, sizeOf } = selector
  const results: Array<PromiseSettledResult<Answer>> = new Array(members.length)
  const names = await Promise.allSettled(members.map((member) => flowGateNameFor(kind, functionId, keySource, member.event)))
  const byGate = new Map<string, number[]>()
  names.forEach((name, position) => {
    if (name.status === 'rejected') results[position] = name
    else (byGate.get(name.value) ?? byGate.set(name.value, []).get(name.value)!).push(position)
  })
  await Promise.all(
    [...byGate].map(async ([name, positions]) => {
      const gate = flowGateStub(env.INNGEST_FLOW_GATES, name)
      let failure: PromiseRejectedResult | undefined
      for (const part of parts(positions, (position) => sizeOf(members[position]!.event))) {
        try {
          if (failure) throw failure.reason
          const answers = await call(gate, part.map((position) => members[position]!))
          if (answers.length !== part.length) throw new Error(`flow gate ${name} answered ${answers.length} of ${part.length} events`)
          part.forEach((position, at) => (results[position] = { status: 'fulfilled', value: answers[at]! }))
        } catch (error) {
          failure = { status: 'rejected', reason: error }
          for (const position of part) results[position] = failure
        }
      }
    }),
  )
  return results
}

/** `positions` cut, in order, into parts of at most MAX_GATE_CALL_BYTES (at least one each). */
function parts(positions: readonly number[], sizeOf: (position: number) => number): number[][] {
  const cut: number[][] = []
  let bytes = 0
  for (const position of positions) {
    const size = sizeOf(position)
    const last = cut.at(-1)
    if (last && bytes + size <= MAX_GATE_CALL_BYTES) {
      last.push(position)
      bytes += size
    } else {
      cut.push([position])
      bytes = size
    }
  }
  return cut
}
