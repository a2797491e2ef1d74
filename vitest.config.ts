import { cloudflareTest } from '@cloudflare/vitest-plugin'
import { configDefaults, defineConfig } from 'vitest/config'

// Three projects: every test inside workerd (through the plugin); the wait and stream tests again
// with each event name's stream in three shards (their model is the single stream's: sharding
// must not change a single answer), with the tests only sharding has; and the process-level
// crash test in Node (test/process/vitest.config.ts), which starts wrangler dev itself.
const workerd = (name: string, include: string[], exclude: string[], bindings: Record<string, string> = {}) => ({
  extends: false as const,
  // FC_SEED reaches the tests inside workerd, to replay a failing property (test/fixtures/fc-seed.ts).
  envPrefix: ['VITE_', 'FC_'],
  plugins: [cloudflareTest({ wrangler: { configPath: './test/wrangler.toml' }, miniflare: { bindings } })],
  test: { name, include, exclude: [...configDefaults.exclude, ...exclude], testTimeout: 20_000 },
})

export default defineConfig({
  test: {
    projects: [
      workerd('workerd', ['test/**/*.test.ts'], ['test/process/**', 'test/sharded/**']),
      workerd(
        'workerd-sharded',
        ['test/sharded/**/*.test.ts', 'test/actors/signals.test.ts', 'test/actors/waits.prop.test.ts', 'test/events/stream-batch-ingest.test.ts', 'test/actors/events.test.ts', 'test/actors/embedded-runs.test.ts'],
        [],
        { INNGEST_STREAM_SHARDS: '3' },
      ),
      './test/process/vitest.config.ts',
    ],
  },
})
