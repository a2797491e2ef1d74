/** The Hono environment of the dashboard's routes: the worker's bindings and what its middleware sets. */
import type { InngestEnv } from '../env.js'
import type { DashboardSession } from './session.js'

export interface DashboardVariables {
  /** Where the dashboard is mounted, e.g. `/dashboard`; every link starts with it. */
  basePath: string
  /** This response's script and style nonce (the CSP names it). */
  nonce: string
  /** Dev mode: open, no sign-in. */
  devMode: boolean
  /** The signed-in (or, in dev mode, automatic) session; absent on the sign-in page. */
  session: DashboardSession | undefined
}

export type DashboardEnv = { Bindings: InngestEnv; Variables: DashboardVariables }
