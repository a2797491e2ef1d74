/**
 * Where a run of a function with the `host` option lives: the entity of `host.binding` whose
 * name is `host.key` evaluated on the run's trigger event. Pure, beside the stub that reaches it.
 */
import { compileExpression } from '../engine/expression.js'
import type { EntityHost } from '../engine/function-definition.js'
import type { RunEventPayload } from '../engine/executor.js'
import type { RunAddress } from '../storage/stream-store.js'

/** An object name is at most this long (Durable Object names are; longer keys are refused). */
const MAX_NAME_LENGTH = 1024

/** The entity a run triggered by `event` lives in, or why none can be named. */
export function entityAddressFor(host: EntityHost, event: RunEventPayload | undefined): { readonly address: RunAddress } | { readonly problem: string } {
  // compileExpression keeps each parsed program for the isolate: this parses once.
  const expression = compileExpression(host.key, 'host.key')
  let value: unknown
  try {
    value = expression.evaluate({ event })
  } catch {
    value = undefined // a missing field, usually: the problem below names the key
  }
  const name = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'bigint' ? String(value) : null
  if (name === null || name === '' || name.length > MAX_NAME_LENGTH) {
    return { problem: `host.key ${host.key} gave ${value === undefined ? 'nothing' : JSON.stringify(value)} for event ${event?.name ?? '(none)'}, not an object name. Fix: send the field the key reads (a non-empty string or number, at most ${MAX_NAME_LENGTH} characters)` }
  }
  return { address: { binding: host.binding, name, entity: true } }
}
