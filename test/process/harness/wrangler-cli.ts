/**
 * Running the repo's wrangler from the test, and freezing the worker it serves. Wrangler dev
 * watches every source it bundles and restarts workerd when one changes: someone saving a file
 * under actors/ or src/ mid-test would restart the runtime outside the test's kills (and change
 * the code between lifetimes). So the worker is bundled once, up front, and served with
 * --no-bundle from a copy of the config that points at the bundle.
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
export const wranglerBin = join(repoRoot, 'node_modules/wrangler/bin/wrangler.js')
// Wrangler needs Node ≥ 22: the repo's own (the `node` devDependency) whatever runs vitest.
const localNode = join(repoRoot, 'node_modules/node/bin/node')
export const nodeBin = existsSync(localNode) ? localNode : process.execPath

/**
 * The environment for wrangler: without the test runner's variables, no metrics, and its logs
 * and dev registry (where wrangler dev sessions find each other) inside `workDir`, apart from any
 * other wrangler on this machine.
 */
export function wranglerEnv(workDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('VITEST') && key !== 'NODE_OPTIONS' && key !== 'NODE_ENV') env[key] = value
  return { ...env, WRANGLER_SEND_METRICS: 'false', WRANGLER_LOG_PATH: join(workDir, 'wrangler-logs'), WRANGLER_REGISTRY_PATH: join(workDir, 'dev-registry'), NO_COLOR: '1', FORCE_COLOR: '0' }
}

/**
 * Bundles the worker of `config` into `workDir/bundle` (`wrangler deploy --dry-run`) and writes
 * `workDir/wrangler.toml`: the same config with `main` pointing at the bundle. Returns its path.
 */
export async function freezeWorker(config: string, workDir: string): Promise<string> {
  const source = await readFile(config, 'utf8')
  const main = /^main\s*=\s*"([^"]+)"/m.exec(source)?.[1]
  if (!main) throw new Error(`${config} has no main = "…" line to bundle`)
  const withMain = (path: string) => source.replace(/^main\s*=.*$/m, `main = ${JSON.stringify(path)}`)
  // Bundled from a copy in workDir, so wrangler's .wrangler/tmp lands there, not in the repo.
  const sourceCopy = join(workDir, 'source.wrangler.toml')
  await writeFile(sourceCopy, withMain(resolve(dirname(config), main)))
  const outDir = join(workDir, 'bundle')
  const child = spawn(nodeBin, [wranglerBin, 'deploy', '--dry-run', '--outdir', outDir, '--config', sourceCopy], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: wranglerEnv(workDir) })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk))
  const exit = await new Promise<number | string>((done) => {
    child.once('error', (error) => done(error.message))
    child.once('close', (code, signal) => done(code ?? String(signal)))
  })
  if (exit !== 0) throw new Error(`bundling ${config} failed (${exit}):\n${output}`)
  const bundle = (await readdir(outDir)).find((name) => name.endsWith('.js'))
  if (!bundle) throw new Error(`wrangler deploy --dry-run wrote no .js file to ${outDir}:\n${output}`)
  const frozen = join(workDir, 'wrangler.toml')
  await writeFile(frozen, withMain(join(outDir, bundle)))
  return frozen
}
