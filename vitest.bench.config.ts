import { existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { cloudflareTest } from '@cloudflare/vitest-plugin'
import { defineConfig } from 'vitest/config'

// The HTTP benchmarks keep wrangler dev's state on disk, as a user's `npm start` does: the temp
// directory as it was before the line below moves it (BENCH_HTTP_TMPDIR overrides).
const diskTmpDir = process.env.BENCH_HTTP_TMPDIR ?? tmpdir()

// Miniflare keeps each Durable Object's SQLite file under the temp directory. On this kind of
// shared VM disk, creating an object costs ~9 ms of file creation and fsync, which would swamp
// every contender alike; on tmpfs it is ~1.5 ms. BENCH_TMPDIR picks another directory
// (BENCH_TMPDIR=/tmp measures on disk). See BENCHMARKS.md.
const storageDir = process.env.BENCH_TMPDIR ?? (existsSync('/dev/shm') ? '/dev/shm' : undefined)
if (storageDir) process.env.TMPDIR = storageDir

// Two projects, run one after the other (groupOrder; not 0, which vitest runs last when files
// are not parallel) so that neither loads the machine while the other measures; `-t` filters
// the tests of both.
// - workerd: the scenarios inside workerd. They run as plain tests that print tables: `vitest
//   bench` finds no `bench()` in the Workers pool (cloudflare/workers-sdk#10049). `npm test` never
//   includes bench/. globalSetup is the Node side: it samples workerd's memory and receives the
//   output-gate probe.
// - http: scenarios measured from Node against a `wrangler dev` process (bench/http/).
export default defineConfig({
  test: {
    fileParallelism: false,
    projects: [
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: './bench/wrangler.toml' },
            miniflare: {
              bindings: {
                BENCH_SMOKE: process.env.BENCH_SMOKE ?? '',
                BENCH_SCALE: process.env.BENCH_SCALE ?? '',
                BENCH_STORAGE_DIR: storageDir ?? process.env.TMPDIR ?? '/tmp',
              },
            },
          }),
        ],
        test: {
          name: 'workerd',
          include: ['bench/*.bench.ts'],
          globalSetup: ['./bench/node/global-setup.ts'],
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          name: 'http',
          include: ['bench/http/*.bench.ts'],
          environment: 'node',
          env: { BENCH_HTTP_TMPDIR: diskTmpDir },
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
})
