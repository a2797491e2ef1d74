import { cloudflareTest } from '@cloudflare/vitest-plugin'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  plugins: [cloudflareTest({ wrangler: { configPath: './test/wrangler.toml' } })],
  test: { include: ["test/**/*.test.ts"], testTimeout: 20_000 },
})
