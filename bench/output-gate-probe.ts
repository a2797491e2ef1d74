/**
 * What workerd's output gate holds, found by experiment: a Durable Object writes a row whose
 * foreign key is checked only at COMMIT (`DEFERRABLE INITIALLY DEFERRED`), so the write itself
 * succeeds and the commit that workerd runs after the object's turn fails. Whatever the object
 * sent after the write — its RPC response, an RPC to another object, a fetch — reached its
 * destination only if it was not held until the commit. A valid row is the control.
 */
import { DurableObject } from 'cloudflare:workers'

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS gate_parent (id INTEGER PRIMARY KEY);
  CREATE TABLE IF NOT EXISTS gate_child (
    id INTEGER PRIMARY KEY,
    parent INTEGER NOT NULL REFERENCES gate_parent (id) DEFERRABLE INITIALLY DEFERRED
  );
  INSERT OR IGNORE INTO gate_parent (id) VALUES (1);`

/** Labels of RPCs that reached a probe object (module state: one isolate runs all of them). */
const received = new Set<string>()

/** Whether an RPC `mark(label)` reached any probe object. */
export function wasReceived(label: string): boolean {
  return received.has(label)
}

/** How the probe sends something after its write. */
export type Sender = 'response' | 'rpc' | 'fetch'

export interface GateProbeBindings {
  readonly GATE_PROBE: DurableObjectNamespace<GateProbe>
}

export class GateProbe extends DurableObject<GateProbeBindings> {
  constructor(ctx: DurableObjectState, env: GateProbeBindings) {
    super(ctx, env)
    ctx.storage.sql.exec(SCHEMA)
  }

  /**
   * Writes a child row (its parent missing if `invalid`), inside `transactionSync` if asked,
   * then sends: only its response, or first an RPC to another probe, or first a POST to `url`.
   */
  async writeThenSend(options: { invalid: boolean; inTransaction: boolean; sender: Sender; label: string; url: string }): Promise<string> {
    const insert = () => this.ctx.storage.sql.exec('INSERT INTO gate_child (parent) VALUES (?)', options.invalid ? 999 : 1)
    if (options.inTransaction) this.ctx.storage.transactionSync(insert)
    else insert()
    if (options.sender === 'rpc') await this.env.GATE_PROBE.get(this.env.GATE_PROBE.idFromName(`receiver-${options.label}`)).mark(options.label)
    if (options.sender === 'fetch') await fetch(`${options.url}/gate/${options.label}`, { method: 'POST' })
    return 'returned'
  }

  mark(label: string): void {
    received.add(label)
  }

  /** Child rows that were committed. */
  children(): number {
    return this.ctx.storage.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM gate_child').one().n
  }
}
