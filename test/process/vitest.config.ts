import { defineConfig } from 'vitest/config'

// The crash test runs in Node, not in workerd: it starts and SIGKILLs `wrangler dev` as a
// process group (README.md). A groupOrder of its own puts this project in a group of its own,
// and vitest runs groups one after another: the workerd tests' load never slows its wrangler
// starts (the workerd project, single-worker, runs as vitest's last, sequential group).
export default defineConfig({
  test: {
    name: 'process',
    root: '../..',
    include: ['test/process/**/*.test.ts'],
    environment: 'node',
    hookTimeout: 60_000,
    sequence: { groupOrder: 1 },
  },
})
