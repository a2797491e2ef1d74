/**
 * Everything in actors/ that src/, tests and benchmarks use: the engine's internals included.
 * Not a public entry point: `@dotdo/inngest/actors` (index.ts) exports what users need.
 */
export { RunActor, runActorPorts } from './run-actor.js'
export { runActorStub, hostedRunStub } from './run-actor-stub.js'
export { EventStreamActor } from './event-stream-actor.js'
export { eventStreamStub } from './event-stream-stub.js'
export { SlotActor } from './slot-actor.js'
export { slotStub } from './slot-stub.js'
export { CronActor, cronActorName, cronActorStub, scheduledTimerEvent, SCHEDULED_TIMER_EVENT } from './cron-actor.js'
export type { CronActorEnv, CronActorRpc, CronScheduleState } from './cron-actor.js'
export { FlowGateActor, MAX_BATCH_BYTES } from './flow-gate-actor.js'
export { flowGateFor, flowGateName, flowGateNameFor, flowGateStub } from './flow-gate-rpc.js'
export type { AdmitRequest, BatchRequest, DebounceRequest, FlowGateEnv, FlowGateInspection, FlowGateKind, FlowGateRpc, PendingStart, SingletonRequest } from './flow-gate-rpc.js'
export { startFlowRun } from './flow-gate-start.js'
export { applyFlowGates, applyFlowGatesToEach } from './events/apply-flow-gates.js'
export type { GateOutcome, GateSettled } from './events/apply-flow-gates.js'
export { EventIndexActor } from './event-index-actor.js'
export { eventIndexStub, findStoredEvent, markRoutedInShards, recentInShards } from './event-index-stub.js'
export type { EventCursor, RecentEventsQuery, StoredEvent } from './event-index-actor.js'
export type { EventIndexEnv, EventIndexRpc } from './event-index-stub.js'
export { DEFAULT_EVENT_INDEX_SHARDS, homeShard, indexShards, listedShards, lookupShards, shardOf } from './events/index-shards.js'
export type { IndexShards, IndexShardsEnv } from './events/index-shards.js'
export { DIRECT_DELIVERY_MAX, publishEvents } from './events/publish-events.js'
export { deliverEvents, startRunsFor, startRunsForAll } from './events/deliver-events.js'
export type { DeliverEnv } from './events/deliver-events.js'
export { namedBy, triggeredBy, matchesEventName } from './events/trigger-match.js'
export { isEventRef, QUEUE_MESSAGE_BYTES } from './events/queue-events.js'
export type { EventRef, QueuedEvent } from './events/queue-events.js'
export { announceEvents, SYSTEM_EVENT_NAMES } from './events/announce-events.js'
export type { PublishEnv, PublishOptions, PublishResult } from './events/publish-events.js'
export { MAX_EVENT_BYTES, maxEventBytes, prepareEvents } from './events/prepare-events.js'
export { positiveSetting } from './engine/positive-setting.js'
export type { EventProblem, PreparedEvents } from './events/prepare-events.js'
export { parseEventIdSeed, seededEventId } from './events/event-id-seed.js'
export type { EventIdSeed } from './events/event-id-seed.js'
export type { RunAddress, StreamMatch, WaitRegistration } from './event-stream-actor.js'
export type { EventStreamRpc } from './event-stream-stub.js'
export { compileExpression, matchToIf } from './engine/expression.js'
export type { InvokeResult, ParentLink, RunEffect, RunPorts } from './run-effects.js'
export type { RunActorEnv } from './run-actor.js'
export type { HostedRunRpc, RunActorRpc } from './run-actor-stub.js'
export { RunHost } from './run-host.js'
export { InngestEntity } from './entity/inngest-entity.js'
export type { EntityRunRpc, InngestEntityOptions } from './entity/inngest-entity.js'
export type { EntityRuns, EntityRunSummary } from './entity/entity-runs.js'
export type { HostingEntity } from './engine/function-definition.js'
export { RunIndexActor, recordRunInIndex, listIndexedRuns, findIndexedRun, RUN_INDEX_SHARDS } from './run-index/index.js'
export type { RunIndexEnv, RunIndexQuery, RunIndexUpdate } from './run-index/index.js'
export type { RunHostOptions } from './run-host.js'
export { findFunction, registerFunction, registeredFunctions } from './registry.js'
export { inngestStatus, runStatus } from './run-inspection.js'
export type { FailedEffect, InngestRunStatus, RunInspection, RunStatusSummary, StepTimelineEntry } from './run-inspection.js'
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
  CancelOn,
  InvokeTarget,
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
