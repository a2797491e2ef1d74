/**
 * Signals (`step.waitForSignal`, `inngest.sendSignal`) on the event streams. Each signal name has
 * a stream of its own, named `inngest/signal:<signal>` (no new binding): a wait registers there
 * as `step.waitForEvent` does, and a signal is ingested there directly, not through the queue, so
 * the sender learns at once which run received it.
 *
 * As on Inngest:
 * - a signal reaches a run only if the run waits for it when it is sent: it is not kept for waits
 *   that begin later (the wait's condition takes only signals sent since it was requested);
 * - one run receives it, and `sendSignal` answers `{ runId }`, or `{ runId: undefined }` when no
 *   run waits for it;
 * - the run receives `{ signal, data }`, or null if its wait timed out first.
 *
 * A wait is the signal's only one (`onConflict: 'fail'`, the default): the stream refuses it at
 * registration while another run's wait is open there, and the step fails with "Signal
 * conflict". With `'replace'` several may wait: one receives the signal (the last of the
 * stream's matches: of waits with equal timeouts, the latest) and the others keep waiting until
 * their timeout, as a replaced wait does on Inngest.
 */
import type { RunEventPayload } from '../engine/executor.js'
import { toJsonText } from '../engine/jsonify.js'
import { eventStreamStub } from '../event-stream-stub.js'
import { resolveInShards, type ShardedStreamEnv } from './sharded-streams.js'

/** The prefix of a signal's stream name (and of its events' names): internal, as `inngest/` names are. */
export const SIGNAL_STREAM_PREFIX = 'inngest/signal:'

/** The stream (and event name) of signal `signal`. */
export function signalStreamName(signal: string): string {
  return `${SIGNAL_STREAM_PREFIX}${signal}`
}

/** What a run receives from `step.waitForSignal`. */
export interface ReceivedSignal {
  readonly signal: string
  readonly data: unknown
}

/**
 * The condition of a wait requested at `requestedAt`: only signals sent since. A stream looks
 * back to the run's start by default; a signal sent before the wait began reached no one.
 */
export function signalWaitExpression(requestedAt: number): string {
  return `async.ts >= ${Math.floor(requestedAt)}`
}

/** What a settled signal wait hands the handler: the signal's name and data, or null (timed out). */
export function receivedSignal(signal: string, event: unknown): ReceivedSignal | null {
  if (event === null || event === undefined) return null
  return { signal, data: (event as RunEventPayload).data?.data ?? null }
}

/** Checks `sendSignal`'s arguments: a bad one throws a TypeError naming the fix. */
export function checkSignal(signal: unknown, data: unknown, caller: string): void {
  if (typeof signal !== 'string' || signal.length === 0) {
    throw new TypeError(`${caller}: signal must be a non-empty string (got ${JSON.stringify(signal)}). Fix: pass the name the run waits for, as in step.waitForSignal(id, { signal }).`)
  }
  if (data !== undefined) toJsonText(data, `${caller}: the signal's data is not JSON`)
}

/**
 * Sends `signal` with `data` (checked by the caller: `checkSignal`) to the run waiting for it.
 * @returns the id of the run that received it; undefined when no run waits for it.
 */
export async function deliverSignal(env: ShardedStreamEnv, signal: string, data: unknown): Promise<{ runId: string | undefined }> {
  const name = signalStreamName(signal)
  const event: RunEventPayload = { name, id: crypto.randomUUID(), ts: Date.now(), data: { signal, data: data ?? null }, user: {} }
  // Waits register in every shard; a signal is answered in one (shard 0), as any event is.
  const matches = (await eventStreamStub(env.INNGEST_EVENT_STREAMS, name, 0).ingest(event)).filter((match) => match.kind === 'wait')
  // The newest wait first; one whose wait timed out (or took another) passes the signal on.
  for (const match of [...matches].reverse()) if (await resolveInShards(env, 0, event, match)) return { runId: match.runId }
  return { runId: undefined }
}

/** The worker's bindings signals need, when this code runs inside a worker that has them. */
export async function signalEnvInWorker(): Promise<ShardedStreamEnv | undefined> {
  if ((globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent !== 'Cloudflare-Workers') return undefined
  const { env } = await import('cloudflare:workers')
  const bindings = env as Partial<ShardedStreamEnv>
  return bindings.INNGEST_EVENT_STREAMS && bindings.INNGEST_RUNS ? (bindings as ShardedStreamEnv) : undefined
}

/** The error for a signal sent where the worker's bindings are not (a client with `baseUrl`, another host). */
export function signalOutsideWorker(caller: string): TypeError {
  return new TypeError(
    `${caller}: outside the worker that serves your functions, a signal goes over HTTP (POST /v1/signals), and this client has no baseUrl to send it to. ` +
      "Fix: call sendSignal in that worker (a route, a step, a queue handler), or give the client baseUrl (the worker's URL) and signingKey.",
  )
}

/**
 * Sends a signal from inside the worker (`step.sendSignal`).
 * @throws TypeError naming the fix when the worker's bindings are not there
 */
export async function sendSignalInWorker(signal: string, data: unknown, caller: string): Promise<{ runId: string | undefined }> {
  checkSignal(signal, data, caller)
  const env = await signalEnvInWorker()
  if (!env) throw signalOutsideWorker(caller)
  return deliverSignal(env, signal, data)
}

/** The error of a wait refused because another run already waits for `signal` (`onConflict: "fail"`), in process or over HTTP. */
export const signalConflictMessage = (signal: string): string =>
  `Signal conflict: another run is already waiting for signal "${signal}". Fix: pass onConflict: "replace" to take the signal over, or wait for a signal name unique to this run.`
