/**
 * `@dotdo/inngest`: the SDK. Change `from 'inngest'` to `from '@dotdo/inngest'`.
 */
export { Inngest } from './client.js'
export type { ClientOptions, GetEvents } from './client.js'
export type { CheckpointingOptions } from './client-options.js'
export { InngestFunctionReference, referenceFunction } from './function-reference.js'
export type { ReferenceFunctionArgs } from './function-reference.js'
export { cron, invoke } from './triggers.js'
export { InngestMiddleware } from './middleware/inngest-middleware.js'
export type { MiddlewareOptions, MiddlewareRegisterReturn, MiddlewareRunHooks, MiddlewareRunInput, MiddlewareRunResult, MiddlewareSendHooks } from './middleware/inngest-middleware.js'
export { Middleware } from './middleware/base-middleware.js'
export { dependencyInjectionMiddleware } from './middleware/dependency-injection.js'
export { EventSchemas } from './event-schemas.js'
export type { LiteralZodEventSchema, LiteralZodEventSchemas, StandardSchemas, ZodEventSchemas } from './event-schemas.js'
export { EventType, eventType, staticSchema } from './event-type.js'
export type { AnyEventType, CreatedEvent, CreateEventOptions, EventDataSchema, EventTypeData, EventTypeInput } from './event-type.js'
export { EventValidationError } from './event-validation.js'
export type { StandardSchemaV1 } from './standard-schema.js'
export { InngestFunction } from './inngest-function.js'
export { experiment, fetch, group, step } from './ambient.js'
export type { FunctionId } from './inngest-function.js'
export { internalEvents } from './internal-events.js'
export { webhook, WEBHOOK_FAILED_EVENT } from './webhooks/index.js'
export type { Webhook, WebhookEvent, WebhookFailedData, WebhookOptions, WebhookScheme, WebhookSecret, WebhookTransform, WebhookVerify } from './webhooks/index.js'
export { isInngest, isInngestFunction } from './assertions.js'
export { durationToMs } from './duration-to-ms.js'
export type { DurationInput, DurationLike } from './duration-to-ms.js'
export { serializeError } from './serialize-error.js'
export type { SerializedError } from './serialize-error.js'
export { slugify } from './slugify.js'
export { version } from './version.js'
export { ConsoleLogger, ProxyLogger, wrapStringFirstLogger } from './logger.js'
export type { LogArg, LogLevel } from './logger.js'
export type { BaseContext, Context, GetFunctionInput, GetStepTools, Handler, TriggersFromClient } from './context-types.js'
export { routeEvents } from './events/route-events.js'
export { armSchedules, routeSchedules } from './events/arm-schedules.js'
export { NonRetriableError, RetryAfterError, StepError } from '../actors/internal.js'
export type { Jsonify } from '../actors/internal.js'
export type { InngestEnv } from './env.js'
export type {
  CronTriggerInput,
  Duration,
  EventMap,
  EventPayload,
  EventTriggerInput,
  FailureEventArgs,
  FailureEventPayload,
  FailureHandlerContext,
  FunctionConfig,
  FunctionFailedEvent,
  GetFunctionOutput,
  HandlerContext,
  Logger,
  ReceivedEvent,
  RetriesConfig,
  ScheduledTimerEvent,
  ScheduledTimerEventPayload,
  SendableEvent,
  AiModel,
  GroupTools,
  ParallelOptions,
  StepAiTools,
  StepFetch,
  StepId,
  StepTools,
  TriggerInput,
  WaitedEvent,
  WaitForEventOptions,
  WaitForSignalOptions,
  SendSignalOptions,
  SendSignalResponse,
} from './types.js'
