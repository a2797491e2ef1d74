import { cloudflareTest } from '@cloudflare/vitest-plugin'
import { defineConfig } from 'vitest/config'

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
          BENCH_ROUNDS: process.env.BENCH_ROUNDS ?? '',
        },
      },
    }),
  ],
  test: {
    include: ['bench/**/*.bench.ts'],
    globalSetup: ['./bench/global-setup.ts'],
    fileParallelism: false,
  },
})
