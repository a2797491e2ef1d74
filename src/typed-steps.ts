/**
 * Typed events in the step tools. The engine knows event names only; this wraps the tools a
 * handler receives so that `step.sendEvent` validates its batch against the client's schemas,
 * as `inngest.send` does, and `step.waitForEvent` takes an `eventType` in place of its name.
 */
import type { EngineHandler, EngineStepTools, StepIdInput } from '../actors/engine/function-definition.js'
import { asEventType } from './event-type.js'
import { checkData, describeInvalidEvent, describeIssues, EventValidationError, findInvalidEvent, isStandardSchema, type SchemasByName } from './event-validation.js'
import type { StandardSchemaV1 } from './standard-schema.js'

/**
 * Wraps a handler so its `step` checks typed events. `clientSchemas` is the client's live map:
 * functions created after this one count too, as they do for `inngest.send`.
 */
export function withTypedSteps(handler: EngineHandler, clientSchemas: SchemasByName): EngineHandler {
  return (ctx) => handler({ ...ctx, step: typedSteps(ctx.step, clientSchemas) })
}

function typedSteps(step: EngineStepTools, clientSchemas: SchemasByName): EngineStepTools {
  return {
    ...step,
    // Validated inside the step (see SendEventOptions), never on replay; a failure is the step's,
    // recorded and thrown into the handler as a StepError it may catch. An EventValidationError is
    // non-retriable: the same data fails the same way on every attempt.
    sendEvent: (id, events) =>
      step.sendEvent(id, events, {
        validate: async (prepared) => {
          const invalid = await findInvalidEvent(events, prepared, clientSchemas)
          if (invalid) throw new EventValidationError(`step "${stepName(id)}": ${describeInvalidEvent(invalid)}`, invalid.issues)
        },
      }),
    waitForEvent: (id, options) => {
      const typed = asEventType(options?.event)
      if (!typed) return step.waitForEvent(id, options)
      const waited = step.waitForEvent(id, { ...options, event: typed.name })
      const { schema } = typed
      // The result is typed by the schema's output, so it goes through the schema, as a trigger event does.
      return isStandardSchema(schema) ? waited.then((event) => (event === null ? null : throughSchema(event, schema, id))) : waited
    },
  }
}

/** The waited-for event with its data as the schema outputs it (defaults filled in). */
async function throughSchema(waited: unknown, schema: StandardSchemaV1, id: StepIdInput): Promise<unknown> {
  const event = waited as { name: string; id?: string; data?: unknown }
  const checked = await checkData([schema], event.data ?? {})
  if (checked.ok) return { ...event, data: checked.value }
  throw new EventValidationError(
    `step "${stepName(id)}": waitForEvent received "${event.name}" (id ${event.id}) with invalid data: ${describeIssues(checked.issues)}. Fix: send data that matches the eventType schema of "${event.name}".`,
    checked.issues,
  )
}

const stepName = (id: StepIdInput): string => (typeof id === 'string' ? id : id.id)
