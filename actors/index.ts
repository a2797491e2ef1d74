/**
 * `@dotdo/inngest/actors`: the Durable Object classes and the host for embedding the run
 * machine in your own Durable Object.
 * @example
 * ```ts
 * // wrangler.toml: a DO binding INNGEST_RUNS → class RunActor, in new_sqlite_classes
 * export { RunActor } from '@dotdo/inngest/actors'
 * ```
 */
export { RunActor, runActorStub } from './run-actor.js'
export type { RunActorEnv, RunActorRpc } from './run-actor.js'
export { RunHost } from './run-host.js'
export type { RunHostOptions } from './run-host.js'
export { findFunction, registerFunction, registeredFunctions } from './registry.js'
export { inngestStatus } from './run-inspection.js'
export type { InngestRunStatus, RunInspection, StepTimelineEntry } from './run-inspection.js'
export type { StartRunRequest } from './start-run-request.js'
export { deriveRunId } from './engine/run-id.js'
export type { RunEventPayload, Executor, PassHandle, PassInput, PassOutcome, StepRecorder } from './engine/executor.js'
export type {
  EngineContext,
  EngineHandler,
  EngineStepTools,
  FunctionOptions,
  RunLimits,
  RunnableFunction,
  Trigger,
  EventTrigger,
  CronTrigger,
} from './engine/function-definition.js'
export { DEFAULT_LIMITS } from './engine/function-definition.js'
export {
  NonRetriableError,
  RetryAfterError,
  StepError,
  NonDeterminismError,
  RunLimitError,
  serializeError,
} from './engine/errors.js'
export type { Jsonify } from './engine/jsonify.js'
