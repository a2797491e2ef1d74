/**
 * `@dotdo/inngest/types`, for the official `inngest/types`: the public types under their official
 * names, and its small runtime helpers `ok`, `err` and `logLevels`. Its zod schemas of the
 * executor protocol are not provided: no executor calls the app over HTTP here.
 */

/** A Rust-style result, as the official SDK's API helpers return it. */
export type Result<T, E = undefined> = { ok: true; value: T } | { ok: false; error: E | undefined }

/** A successful `Result`. */
export const ok = <T>(data: T): Result<T, never> => ({ ok: true, value: data })

/** A failed `Result`. */
export const err = <E>(error?: E): Result<never, E> => ({ ok: false, error })

export { logLevels } from './logger.js'
export type { LogArg, Logger, LogLevel } from './logger.js'
export type { BaseContext, Context, GetFunctionInput, GetStepTools, Handler, TriggersFromClient } from './context-types.js'
export type { ClientOptions } from './client-options.js'
export type { Jsonify } from '../actors/internal.js'
export type {
  EventPayload,
  FailureEventArgs,
  FailureEventPayload,
  FunctionConfig,
  GetFunctionOutput,
  ScheduledTimerEventPayload,
  StepId as StepOptionsOrId,
} from './types.js'
