/**
 * The benchmark's Node side (a vitest globalSetup). It first checks that bench/wrangler.toml binds
 * what test/wrangler.toml binds (config-check.ts). The benchmark itself runs inside workerd, so
 * whatever must be seen from outside lives here, behind a small HTTP server on 127.0.0.1 whose
 * address the tests get with `inject('benchProbeUrl')`:
 *
 * - `POST /memory/start`, `POST /memory/stop`: resident memory of the workerd process running
 *   the tests, sampled from /proc/<pid>/status every few ms between the two calls, plus VmHWM
 *   (the kernel's own peak, reset at start through /proc/<pid>/clear_refs where permitted).
 * - `POST /gate/:label`, `GET /gate/:label`: records that a request arrived, and says whether
 *   one did. A Durable Object's subrequest lands here in the output-gate probe.
 * - `GET /workflows-storage`: rows and bytes of the Workflows instance that wrote last
 *   (workflows-storage.ts).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { TestProject } from 'vitest/node'
import { checkBenchConfig } from './config-check.js'
import { MemorySampler, type MemoryReport } from './memory-sampler.js'
import { workflowInstanceStorage } from './workflows-storage.js'

export type { MemoryReport }

declare module 'vitest' {
  interface ProvidedContext {
    benchProbeUrl: string
  }
}

function answer(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  checkBenchConfig()
  const memory = new MemorySampler()
  const gateHits = new Set<string>()
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    request.resume() // bodies are ignored
    try {
      const [, area, name] = (request.url ?? '').split('/')
      if (area === 'memory' && name === 'start') return (memory.start(), answer(response, 200, {}))
      if (area === 'memory' && name === 'stop') return answer(response, 200, memory.stop())
      if (area === 'gate' && name && request.method === 'POST') return (gateHits.add(name), answer(response, 200, {}))
      if (area === 'gate' && name) return answer(response, 200, { seen: gateHits.has(name) })
      if (area === 'workflows-storage') return answer(response, 200, workflowInstanceStorage(memory.workerdPid()))
      answer(response, 404, { error: `no route ${request.method} ${request.url}` })
    } catch (error) {
      answer(response, 500, { error: String(error) })
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  project.provide('benchProbeUrl', `http://127.0.0.1:${(server.address() as AddressInfo).port}`)
  return () => new Promise<void>((resolve) => server.close(() => resolve()))
}
