/**
 * `GET /live`: the dashboard's live feed. The worker connects to every run index shard's
 * WebSocket (hibernatable on the shard's side: an idle feed costs the shards nothing) and
 * forwards each message (one `RunIndexUpdate` as JSON) to the browser: over a WebSocket when the
 * request asks for one (what the pages use: it does not take one of the browser's six HTTP/1.1
 * connections per host, as a stream would with several tabs open on `wrangler dev`), else as
 * server-sent events (`data:` lines; a comment every 25 s keeps proxies from closing it).
 */
import type { Context } from 'hono'
import { openRunIndexFeed, RUN_INDEX_SHARDS } from '../../actors/run-index/index.js'
import type { DashboardEnv } from './dashboard-env.js'

const HEARTBEAT_MS = 25_000

export async function liveFeed(c: Context<DashboardEnv>): Promise<Response> {
  const index = c.env.INNGEST_RUN_INDEX
  if (!index) return c.json({ error: 'no run index to follow', fix: 'bind INNGEST_RUN_INDEX (class RunIndexActor)' }, 503)
  const origin = c.req.header('origin')
  // A WebSocket is opened with the cookie whatever page asks: only this origin's pages may.
  if (origin !== undefined && origin !== new URL(c.req.url).origin) return c.json({ error: 'the live feed is for the dashboard’s own pages' }, 403)
  const sockets = await Promise.all(Array.from({ length: RUN_INDEX_SHARDS }, (_, shard) => openRunIndexFeed({ INNGEST_RUN_INDEX: index }, shard)))
  if (c.req.header('upgrade')?.toLowerCase() === 'websocket') return forwardToSocket(sockets)
  return forwardAsEvents(sockets)
}

/** Closes every shard socket, ignoring those already closed. */
function closeAll(sockets: readonly WebSocket[]): void {
  for (const socket of sockets) {
    try {
      socket.close(1000, 'feed closed')
    } catch {
      // Already closed.
    }
  }
}

/** The shards' messages to one browser WebSocket; either side closing closes the rest. */
function forwardToSocket(sockets: readonly WebSocket[]): Response {
  const { 0: browser, 1: server } = new WebSocketPair()
  server.accept()
  let closed = false
  const stop = () => {
    if (closed) return
    closed = true
    closeAll(sockets)
    try {
      server.close(1000, 'feed closed')
    } catch {
      // Already closed.
    }
  }
  server.addEventListener('close', stop)
  server.addEventListener('error', stop)
  for (const socket of sockets) {
    socket.accept()
    socket.addEventListener('message', (message) => {
      if (closed || typeof message.data !== 'string') return
      try {
        server.send(message.data)
      } catch {
        stop()
      }
    })
    socket.addEventListener('close', stop)
  }
  return new Response(null, { status: 101, webSocket: browser })
}

/** The shards' messages as server-sent events. */
function forwardAsEvents(sockets: readonly WebSocket[]): Response {
  const encoder = new TextEncoder()
  let heartbeat: ReturnType<typeof setInterval> | undefined
  let closed = false
  const stop = () => {
    if (closed) return
    closed = true
    clearInterval(heartbeat)
    closeAll(sockets)
  }
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (text: string) => {
        if (closed) return
        try {
          controller.enqueue(encoder.encode(text))
        } catch {
          stop()
        }
      }
      send('retry: 2000\n: connected\n\n')
      for (const socket of sockets) {
        socket.accept()
        // Each message is one JSON text (no newline in it): one event.
        socket.addEventListener('message', (message) => send(`data: ${typeof message.data === 'string' ? message.data : ''}\n\n`))
        socket.addEventListener('close', () => {
          stop()
          try {
            controller.close()
          } catch {
            // Already closed.
          }
        })
      }
      heartbeat = setInterval(() => send(': ping\n\n'), HEARTBEAT_MS)
    },
    cancel: stop,
  })
  return new Response(stream, { headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' } })
}
