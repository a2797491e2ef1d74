import { existsSync } from 'node:fs'
import { cloudflareTest } from '@cloudflare/vitest-plugin'
import { defineConfig } from 'vitest/config'

// Miniflare keeps each Durable Object's SQLite file under the temp directory. On this kind of
// shared VM disk, creating an object costs ~9 ms of file creation and fsync, which would swamp
// every contender alike; on tmpfs it is ~1.5 ms. BENCH_TMPDIR picks another directory
// (BENCH_TMPDIR=/tmp measures on disk). See BENCHMARKS.md.
const storageDir = process.env.BENCH_TMPDIR ?? (existsSync('/dev/shm') ? '/dev/shm' : undefined)
if (storageDir) process.env.TMPDIR = storageDir

// The benchmark runs as plain tests that print tables: `vitest bench` finds no `bench()` in
// the Workers pool (cloudflare/workers-sdk#10049). `npm test` never includes bench/.
// globalSetup is the Node side: it samples workerd's memory and receives the output-gate probe.
export default defineConfig({
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
    include: ['bench/**/*.bench.ts'],
    globalSetup: ['./bench/node/global-setup.ts'],
    fileParallelism: false,
  },
})
