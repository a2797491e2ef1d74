/**
 * What `npm run deploy` would upload, checked without deploying: `wrangler deploy --dry-run`
 * bundles the example worker (wrangler.toml, dev mode off as `npm run deploy` sets it) and the
 * bundle must fit Cloudflare's Worker size limit (3 MB compressed on the Free plan, 10 MB on
 * paid plans: the Free limit is checked), with every binding the README's wrangler.toml names.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { gzipSync } from 'node:zlib'
import { afterAll, describe, expect, it } from 'vitest'

const run = promisify(execFile)
/** Cloudflare's Worker size limit on the Free plan, after compression. */
const FREE_PLAN_GZIP_BYTES = 3 * 1024 * 1024
const outdirs: string[] = []

afterAll(async () => {
  for (const dir of outdirs) await rm(dir, { recursive: true, force: true })
})

describe('npm run deploy', () => {
  it('bundles the example worker under the Worker size limit, with every binding', async () => {
    const outdir = await mkdtemp(join(tmpdir(), 'inngest-do-deploy-check-'))
    outdirs.push(outdir)
    const { stdout } = await run('npx', ['wrangler', 'deploy', '--dry-run', '--outdir', outdir, '--var', 'INNGEST_DEV:0'], {
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
      maxBuffer: 16 * 1024 * 1024,
    })
    const bundle = await readFile(join(outdir, 'worker.js'))
    const gzipped = gzipSync(bundle).byteLength
    console.log(`deploy check: worker.js ${(bundle.byteLength / 1024).toFixed(0)} KiB, gzip ${(gzipped / 1024).toFixed(0)} KiB (limit ${FREE_PLAN_GZIP_BYTES / 1024 / 1024} MiB compressed on the Free plan)`)
    expect(gzipped).toBeLessThan(FREE_PLAN_GZIP_BYTES)
    for (const binding of ['INNGEST_RUNS (RunActor)', 'INNGEST_EVENT_INDEX (EventIndexActor)', 'INNGEST_EVENT_STREAMS (EventStreamActor)', 'INNGEST_CRONS (CronActor)', 'INNGEST_SLOTS (SlotActor)', 'INNGEST_FLOW_GATES (FlowGateActor)', 'INNGEST_EVENTS (inngest-events)']) {
      expect(stdout, binding).toContain(binding)
    }
    // workerd refuses code generation from strings: the bundle must not depend on it.
    expect(bundle.toString('utf8')).not.toMatch(/\bnew Function\(|[^.\w]eval\(/)
  }, 60_000)
})
