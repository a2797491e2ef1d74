/**
 * The Node side of the step bodies' reports: a small HTTP server on 127.0.0.1 that records every
 * `POST /life/<n>/step {tag, runId, step}` a step body sends before it does its work. `<n>` is the
 * wrangler dev lifetime the body ran in (the harness starts life n with
 * `--var COUNTER_URL:<url>/life/<n>`), so an execution is attributed to a process lifetime
 * exactly, even when its report is still in flight when that process is killed.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One execution of a step body, as reported by the body itself. */
export interface StepExecution {
  readonly tag: string
  readonly runId: string
  readonly step: string
  /** The wrangler dev lifetime (1, 2, …) whose process ran the body. */
  readonly life: number
  /** Arrival order at the counter. */
  readonly seq: number
}

export interface StepCounter {
  /** Base URL; a lifetime's COUNTER_URL is `${url}/life/${n}`. */
  readonly url: string
  readonly executions: readonly StepExecution[]
  /** Requests the counter could not understand: each is a harness bug, reported by the test. */
  readonly malformed: readonly string[]
  close(): Promise<void>
}

async function bodyOf(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

function parseExecution(life: number, seq: number, body: string): StepExecution | null {
  try {
    const { tag, runId, step } = JSON.parse(body) as Record<string, unknown>
    if (typeof tag !== 'string' || typeof runId !== 'string' || typeof step !== 'string') return null
    return { tag, runId, step, life, seq }
  } catch {
    return null
  }
}

/** Starts the counter on a free port of 127.0.0.1. */
export async function startStepCounter(): Promise<StepCounter> {
  const executions: StepExecution[] = []
  const malformed: string[] = []
  const server: Server = createServer(async (request, response) => {
    const body = await bodyOf(request)
    const life = /^\/life\/(\d+)\/step$/.exec(request.url ?? '')?.[1]
    const execution = life === undefined || request.method !== 'POST' ? null : parseExecution(Number(life), executions.length + 1, body)
    if (!execution) {
      malformed.push(`${request.method} ${request.url} ${body.slice(0, 200)}`)
      response.writeHead(400).end('expected POST /life/<n>/step {"tag","runId","step"}')
      return
    }
    executions.push(execution)
    response.writeHead(200, { 'content-type': 'text/plain' }).end('ok')
  })
  // Reports come from many runs at once; keep-alive sockets must not hold close() up.
  server.keepAliveTimeout = 1_000
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    executions,
    malformed,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
