/**
 * `ctx.logger`: the client's logger (or the console), quiet while the handler replays code an
 * earlier pass already ran. A handler re-runs from the top on every pass, so a plain log line
 * outside a step would be written once per pass; this one is written once, as Inngest's logger
 * promises ("A log statement outside of step … could end up running multiple times").
 */
import type { RunLogger } from './function-definition.js'

const LEVELS = ['info', 'warn', 'error', 'debug'] as const

/** The console, each line prefixed with the run id. */
export function consoleLogger(runId: string): RunLogger {
  const prefix = `[run ${runId}]`
  return {
    info: (...args) => console.info(prefix, ...args),
    warn: (...args) => console.warn(prefix, ...args),
    error: (...args) => console.error(prefix, ...args),
    debug: (...args) => console.debug(prefix, ...args),
  }
}

/** `base`, dropping calls made while `memoizing()` says the handler is replaying. */
export function memoizationAwareLogger(base: RunLogger, memoizing: () => boolean): RunLogger {
  const level = (name: (typeof LEVELS)[number]) => (...args: unknown[]) => {
    if (!memoizing()) base[name](...args)
  }
  return { info: level('info'), warn: level('warn'), error: level('error'), debug: level('debug') }
}
