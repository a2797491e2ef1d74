import { cloudflareTest } from '@cloudflare/vitest-plugin'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  plugins: [cloudflareTest({ wrangler: { configPath: './bench/wrangler.toml' } })],
  test: { include: ['bench/**/*.bench.ts'] },
})
