/**
 * Chromium for the dashboard's browser test, through playwright-core, from `/usr/bin/chromium`
 * (`.ci/run` installs it: `apt-get install -y chromium`). Never installed or skipped here: a
 * machine without it fails the test, so CI proves the dashboard in a real browser.
 */
import { existsSync } from 'node:fs'
import { chromium, type Browser } from 'playwright-core'

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`no Chromium at ${CHROMIUM_PATH}. Fix: apt-get install -y chromium (.ci/run does), or set CHROMIUM_PATH`)
  }
  // --no-sandbox: CI containers run as root, where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox', '--disable-dev-shm-usage'] })
}
