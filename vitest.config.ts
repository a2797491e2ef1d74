import { cloudflareTest } from '@cloudflare/vitest-plugin'
import { configDefaults, defineConfig } from 'vitest/config'

// Two projects: every test inside workerd (through the plugin), and the process-level crash
// test in Node (test/process/vitest.config.ts), which starts wrangler dev itself.
export default defineConfig({
  test: {
    projects: [
      {
        extends: false,
        // FC_SEED reaches the tests inside workerd, to replay a failing property (test/fixtures/fc-seed.ts).
        envPrefix: ['VITE_', 'FC_'],
        plugins: [cloudflareTest({ wrangler: { configPath: './test/wrangler.toml' } })],
        test: { name: 'workerd', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, 'test/process/**'], testTimeout: 20_000 },
      },
      './test/process/vitest.config.ts',
    ],
  },
})
