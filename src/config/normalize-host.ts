/**
 * The `host` option: every run of the function lives in the user's `InngestEntity` object of
 * `binding`, the one `key` names (CEL over `event`). Checked here, so a typo is a TypeError at
 * `createFunction`, not a run that cannot find its object.
 */
import type { EntityHost, FlowControl } from '../../actors/engine/function-definition.js'
import { describeValue, type ConfigChecks } from './config-error.js'
import { checkExpression } from './validate-flow-control.js'

const BINDING = /^[A-Za-z_][A-Za-z0-9_]*$/
const HOST_FIX = "use { binding: 'DOCUMENTS', key: 'event.data.documentId' }: the wrangler.toml binding of your InngestEntity class and the event field naming the object"

export function normalizeHost(value: unknown, flow: FlowControl, check: ConfigChecks): EntityHost | undefined {
  if (value === undefined) return undefined
  const host = check.object(value, 'host', HOST_FIX)
  check.knownKeys(host, 'host', ['binding', 'key'])
  const binding = check.string(host.binding, 'host.binding', HOST_FIX)
  if (!BINDING.test(binding)) check.fail('host.binding', `must be a binding name such as DOCUMENTS (got ${describeValue(binding)})`, HOST_FIX)
  if (host.key === undefined) check.fail('host.key', 'is required: an event (or cron tick) triggering the function must name the object its run lives in', "add key: 'event.data.documentId'")
  const key = checkExpression(check.string(host.key, 'host.key', HOST_FIX), 'host.key', check)
  if (flow.batchEvents) check.fail('host', 'cannot be combined with batchEvents: a batch run has many events, and each may name another object', 'remove batchEvents, or host the runs in RunActor (no host option)')
  return { binding, key }
}
