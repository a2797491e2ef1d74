/**
 * `@dotdo/inngest/actors`: the Durable Object classes a worker exports, `InngestEntity` for
 * workflows inside your own Durable Objects, and the low-level `RunHost` kit (README,
 * "Workflows inside your Durable Objects"). Everything else is internal.
 * @example
 * ```ts
 * // wrangler.toml: DO bindings INNGEST_RUNS → RunActor, … (in new_sqlite_classes)
 * export { RunActor, EventIndexActor, EventStreamActor, CronActor, SlotActor, FlowGateActor, RunIndexActor } from '@dotdo/inngest/actors'
 * ```
 */
export { CronActor } from './cron-actor.js'
export { EventIndexActor } from './event-index-actor.js'
export { EventStreamActor } from './event-stream-actor.js'
export { FlowGateActor } from './flow-gate-actor.js'
export { RunActor, runActorPorts } from './run-actor.js'
export { hostedRunStub, runActorStub, type HostedRunRpc, type RunActorRpc } from './run-actor-stub.js'
export type { RunActorEnv } from './run-actor.js'
export { RunIndexActor } from './run-index/index.js'
export { SlotActor } from './slot-actor.js'

// Workflows inside your own Durable Objects.
export { InngestEntity } from './entity/inngest-entity.js'
export type { EntityRunRpc, InngestEntityOptions } from './entity/inngest-entity.js'
export type { EntityRuns, EntityRunSummary } from './entity/entity-runs.js'
export type { HostingEntity, RunnableFunction } from './engine/function-definition.js'

// The low-level kit: one run on an object's storage.
export { RunHost } from './run-host.js'
export type { RunHostOptions } from './run-host.js'
export { findFunction } from './registry.js'
export type { InvokeResult, ParentLink, RunEffect, RunPorts } from './run-effects.js'
export type { StartRunRequest } from './start-run-request.js'
export type { RunEventPayload } from './engine/executor.js'
export type { RunAddress } from './storage/stream-store.js'
export { inngestStatus } from './run-inspection.js'
export type { FailedEffect, InngestRunStatus, RunInspection, RunStatusSummary, StepTimelineEntry } from './run-inspection.js'

// Sending events from a Durable Object of yours.
export { publishEvents } from './events/publish-events.js'
export type { PublishEnv, PublishResult } from './events/publish-events.js'
