/**
 * The bindings and variables a worker serving inngest.do has (see the README's wrangler.toml).
 */
import type { RunActor } from '../actors/index.js'
import type { RunEventPayload } from '../actors/index.js'

export interface InngestEnv {
  /** One Durable Object per run. */
  readonly INNGEST_RUNS: DurableObjectNamespace<RunActor>
  /** Carries sent events to the routing consumer. */
  readonly INNGEST_EVENTS: Queue<RunEventPayload>
  /** "1" or "true": dev mode, as the Inngest dev server (no keys checked). */
  readonly INNGEST_DEV?: string
  /** Bearer key for the REST API outside dev mode. */
  readonly INNGEST_SIGNING_KEY?: string
  /** Accepted event keys for `POST /e/:key`, comma-separated. */
  readonly INNGEST_EVENT_KEY?: string
}

/** Whether the worker runs in dev mode. */
export function isDevMode(env: Pick<InngestEnv, 'INNGEST_DEV'>): boolean {
  return env.INNGEST_DEV === '1' || env.INNGEST_DEV === 'true'
}
