import { cloudflareTest } from '@cloudflare/vitest-plugin'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  // FC_SEED reaches the tests inside workerd, to replay a failing property (test/fixtures/fc-seed.ts).
  envPrefix: ['VITE_', 'FC_'],
  plugins: [cloudflareTest({ wrangler: { configPath: './test/wrangler.toml' } })],
  test: { include: ["test/**/*.test.ts"], testTimeout: 20_000 },
})
