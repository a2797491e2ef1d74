/**
 * What waits for a write to be durable, locally (see bench/output-gate-probe.ts): for each way
 * of writing (plain `sql.exec`, or inside `transactionSync`) and each way of sending after the
 * write (the RPC response alone, an RPC to another object, a fetch to the Node side), whether
 * the message arrived when the write's commit succeeded and when it failed.
 */
import { ulid } from 'ulid'
import { benchEnv } from '../contenders.js'
import { gateReached, gateUrl } from '../node-probe.js'
import { wasReceived, type Sender } from '../output-gate-probe.js'
import { textTable } from '../stats.js'

export interface GateCase {
  readonly invalid: boolean
  readonly inTransaction: boolean
  readonly sender: Sender
  /** What the caller got: the method's return value or the error's first words. */
  readonly response: string
  /** Whether the RPC to the other object, or the fetch, arrived (null: none was sent). */
  readonly messageArrived: boolean | null
  /** Rows of the probe's table after the call (a rolled-back write leaves none). */
  readonly rowsCommitted: number
}

export async function outputGateScenario(): Promise<GateCase[]> {
  const cases: GateCase[] = []
  const url = gateUrl()
  for (const invalid of [false, true]) {
    for (const inTransaction of [false, true]) {
      for (const sender of ['response', 'rpc', 'fetch'] as const) {
        const label = ulid()
        const probe = () => benchEnv.GATE_PROBE.get(benchEnv.GATE_PROBE.idFromName(label))
        let response: string
        try {
          response = await probe().writeThenSend({ invalid, inTransaction, sender, label, url })
        } catch (error) {
          response = `error: ${String(error).replace(/^Error: /, '').slice(0, 60)}…`
        }
        // A held message that was only late would arrive by now.
        await scheduler.wait(50)
        const messageArrived = sender === 'rpc' ? wasReceived(label) : sender === 'fetch' ? await gateReached(label) : null
        cases.push({ invalid, inTransaction, sender, response, messageArrived, rowsCommitted: await probe().children() })
      }
    }
  }
  return cases
}

export function outputGateTable(cases: readonly GateCase[]): string {
  const senders: Record<Sender, string> = { response: 'its response only', rpc: 'RPC to another DO, then response', fetch: 'fetch(), then response' }
  const rows = cases.map((c) => [
    c.invalid ? 'fails at COMMIT' : 'valid',
    c.inTransaction ? 'transactionSync' : 'sql.exec',
    senders[c.sender],
    c.response,
    c.messageArrived === null ? '' : c.messageArrived ? 'arrived' : 'never arrived',
    String(c.rowsCommitted),
  ])
  return [
    'Output gate (workerd, locally): a DO writes a row, then sends; the row violates a deferred foreign key when marked, so the write',
    'succeeds and the commit after the turn fails. Messages sent after a write arrive only if its commit succeeded.',
    '(workerd logs each failed commit as an "uncaught exception … FOREIGN KEY constraint failed": expected.)',
    textTable(['write', 'how', 'then sends', 'caller got', 'message', 'rows committed'], rows, 5),
  ].join('\n')
}
