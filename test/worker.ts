import { DurableObject } from 'cloudflare:workers'
export class Smoke extends DurableObject {
  n = 0
  async bump() { this.ctx.storage.sql.exec('create table if not exists t(x)'); this.ctx.storage.sql.exec('insert into t values (1)'); return ++this.n }
  override async alarm() { this.n = 100 }
}
export const received: unknown[] = []
export default {
  async fetch() { return new Response('ok') },
  async queue(batch: MessageBatch) { for (const m of batch.messages) { received.push(m.body); m.ack() } },
}
