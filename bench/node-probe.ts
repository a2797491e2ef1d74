/**
 * The tests' side of bench/node/global-setup.ts: calls to the Node-side probe server, whose address
 * vitest provides. Memory of the workerd process can only be read from outside it.
 */
import { inject } from 'vitest'
import type { MemoryReport } from './node/memory-sampler.js'
import type { WorkflowStorage } from './node/workflows-storage.js'

export type { MemoryReport, WorkflowStorage }

function probeUrl(path: string): string {
  return `${inject('benchProbeUrl')}${path}`
}

async function call<T>(method: 'GET' | 'POST', path: string): Promise<T> {
  const response = await fetch(probeUrl(path), { method })
  if (!response.ok) throw new Error(`bench probe ${method} ${path}: ${response.status} ${await response.text()}`)
  return (await response.json()) as T
}

/** Starts sampling workerd's resident memory (and resets its peak, where permitted). */
export async function startMemorySampling(): Promise<void> {
  await call('POST', '/memory/start')
}

/** Stops sampling; the peak and the end figures since the last start. */
export function stopMemorySampling(): Promise<MemoryReport> {
  return call<MemoryReport>('POST', '/memory/stop')
}

/** The URL a Durable Object posts to in the output-gate probe. */
export function gateUrl(): string {
  return inject('benchProbeUrl')
}

/** Whether a POST for `label` reached the Node side. */
export async function gateReached(label: string): Promise<boolean> {
  return (await call<{ seen: boolean }>('GET', `/gate/${label}`)).seen
}

/** Rows and bytes of the Workflows instance whose Engine object wrote last. */
export function lastWorkflowStorage(): Promise<WorkflowStorage> {
  return call<WorkflowStorage>('GET', '/workflows-storage')
}
