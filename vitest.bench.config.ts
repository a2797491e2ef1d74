import { cloudflareTest } from '@cloudflare/vitest-plugin'
import { defineConfig } from 'vitest/config'

// The benchmark runs as a plain test that prints a table: `vitest bench` finds no `bench()` in
// the Workers pool (cloudflare/workers-sdk#10049). `npm test` never includes bench/.
export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: './bench/wrangler.toml' },
      miniflare: {
        bindings: {
          BENCH_SMOKE: process.env.BENCH_SMOKE ?? '',
          BENCH_ROUNDS: process.env.BENCH_ROUNDS ?? '',
          BENCH_STEPS: process.env.BENCH_STEPS ?? '',
        },
      },
    }),
  ],
  test: { include: ['bench/**/*.bench.ts'] },
})
