/**
 * What the server-protocol tests (official SDK v4 and v3) ask of `wrangler dev`: send an event,
 * poll the REST API until a run ends or gets somewhere, and list a run's steps. Dev mode: no keys;
 * signed mode: events go to `POST /e/<event key>` and REST calls send the signing key as Bearer.
 */
import { expect } from 'vitest'

/** Statuses after which a run never changes. */
export const TERMINAL = new Set(['Completed', 'Failed', 'Cancelled'])

/** The run resource (GET /v1/runs/:id), the fields the tests read. */
export interface Run {
  readonly run_id: string
  readonly status: string
  readonly output: unknown
  readonly error: { name: string; message: string } | null
  readonly steps?: ReadonlyArray<{ id: string; status: string }>
}

/** The worker under test: its URL, and its log's tail for failure messages. */
export interface WorkerUnderTest {
  readonly url: string
  logTail(lines?: number): string
}

/** A worker outside dev mode: the keys its clients must send. */
export interface WorkerKeys {
  readonly signingKey: string
  readonly eventKey: string
}

const POLL_MS = 200
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms))

/** `step id:status` of each step of `run`, in the order the API lists them. */
export const stepsOf = (run: Run): string[] => (run.steps ?? []).map((step) => `${step.id}:${step.status}`)

/** REST helpers bound to one worker; `keys` when it runs outside dev mode. */
export function serverProtocolClient(dev: WorkerUnderTest, keys?: WorkerKeys) {
  /** `fetch` of a path of the worker, with the signing key as Bearer when there is one. */
  const request = (path: string, init: RequestInit = {}): Promise<Response> => {
    const headers = new Headers(init.headers)
    if (keys && !headers.has('authorization')) headers.set('authorization', `Bearer ${keys.signingKey}`)
    return fetch(`${dev.url}${path}`, { ...init, headers })
  }
  const getJson = async <T>(path: string): Promise<T> => (await (await request(path)).json()) as T

  /** Sends one event through `POST /e/<event key>` (`dev` in dev mode); resolves to its id. */
  async function send(name: string, data: Record<string, unknown>): Promise<string> {
    const response = await fetch(`${dev.url}/e/${keys?.eventKey ?? 'dev'}`, { method: 'POST', body: JSON.stringify({ name, data }) })
    const body = (await response.json()) as { ids: string[]; status: number }
    expect(body.status).toBe(200)
    return body.ids[0]!
  }

  /** The runs `eventId` started so far. */
  const runsOf = async (eventId: string): Promise<Run[]> => (await getJson<{ data: Run[] }>(`/v1/events/${eventId}/runs`)).data

  /** The one run `eventId` started, once it ended (with its steps, from GET /v1/runs/:id). */
  async function finishedRun(eventId: string, timeoutMs = 30_000): Promise<Run> {
    const deadline = Date.now() + timeoutMs
    let last: unknown
    while (Date.now() < deadline) {
      const runs = await runsOf(eventId)
      last = runs
      if (runs.length === 1 && TERMINAL.has(runs[0]!.status)) return (await getJson<{ data: Run }>(`/v1/runs/${runs[0]!.run_id}`)).data
      await sleep(POLL_MS)
    }
    throw new Error(`no finished run for event ${eventId} within ${timeoutMs} ms: ${JSON.stringify(last)}\n${dev.logTail(20)}`)
  }

  /** GET /v1/runs/:id until `accept` holds. */
  async function runUntil(runId: string, accept: (run: Run) => boolean, timeoutMs = 30_000): Promise<Run> {
    const deadline = Date.now() + timeoutMs
    let last: Run | undefined
    while (Date.now() < deadline) {
      const response = await request(`/v1/runs/${runId}`)
      last = response.ok ? ((await response.json()) as { data: Run }).data : undefined
      if (last && accept(last)) return last
      await sleep(POLL_MS)
    }
    throw new Error(`run ${runId} never got there: ${JSON.stringify(last)}\n${dev.logTail(20)}`)
  }

  /** The id of the run `eventId` started, once it has a step `stepId` (e.g. a sleep it waits in). */
  async function runAtStep(eventId: string, stepId: string, timeoutMs = 30_000): Promise<string> {
    const deadline = Date.now() + timeoutMs
    while (Date.now() < deadline) {
      const [run] = await runsOf(eventId)
      if (run) return (await runUntil(run.run_id, (r) => (r.steps ?? []).some((step) => step.id === stepId), Math.max(0, deadline - Date.now()))).run_id
      await sleep(POLL_MS)
    }
    throw new Error(`no run for event ${eventId}\n${dev.logTail(20)}`)
  }

  return { send, request, getJson, finishedRun, runUntil, runAtStep }
}
