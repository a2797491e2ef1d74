/** The events runs announce about themselves (`inngest/function.*`), in their own module: streams read it too. */
export const SYSTEM_EVENT_NAMES: ReadonlySet<string> = new Set(['inngest/function.finished', 'inngest/function.failed', 'inngest/function.cancelled'])
