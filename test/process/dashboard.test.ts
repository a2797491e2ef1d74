/**
 * The dashboard in Chromium, against the example worker under `wrangler dev` (dev mode, then a
 * second worker outside dev mode): send an event from the UI and watch its run appear and
 * complete without a reload; open it (steps, the state diagram, the current state); cancel a
 * sleeping run; bulk-cancel; sign in; hostile event data rendered inert. Saves a screenshot of
 * each view under docs/screenshots/. Chromium comes from /usr/bin/chromium (.ci/run installs it);
 * without it the test fails.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium } from './harness/browser.js'
import { startExampleWorker, type ExampleWorker } from './harness/browser-worker.js'
import { repoRoot } from './harness/wrangler-cli.js'
import { freezeWorker } from './harness/wrangler-cli.js'

const SCREENSHOTS = join(repoRoot, 'docs/screenshots')
const HOSTILE = `<script>alert(1)</script>"><img src=x onerror=alert(1)>`
const SIGNING_KEY = 'signkey-test-5a17c0ffee'
const TIMEOUT = 120_000

let workDir: string
let frozen: string
let dev: ExampleWorker | undefined
let secured: ExampleWorker | undefined
let browser: Browser | undefined
/** Alerts any page raised: an injected script that ran. */
const alerts: string[] = []
/** Pages the current test opened, closed after it. */
const opened: Page[] = []

async function openPage(url: string): Promise<Page> {
  const page = await browser!.newPage({ viewport: { width: 1400, height: 900 } })
  opened.push(page)
  page.on('dialog', (dialog) => {
    if (dialog.type() === 'confirm') return void dialog.accept()
    alerts.push(`${dialog.type()}: ${dialog.message()}`)
    void dialog.dismiss()
  })
  await page.goto(url)
  return page
}

/** Sends an event through the Event API (dev mode: any key); resolves with its id. */
async function sendEvent(name: string, data: Record<string, unknown>): Promise<string> {
  const response = await fetch(`${dev!.url}/e/dev`, { method: 'POST', body: JSON.stringify({ name, data }) })
  return ((await response.json()) as { ids: string[] }).ids[0]!
}

/** The runs of an event (REST, open in dev mode), once `accept` holds for all of them. */
async function runsOf(eventId: string, accept: (run: { run_id: string; status: string; snapshot: { value: string } | null }) => boolean): Promise<string[]> {
  const deadline = Date.now() + 30_000
  for (;;) {
    const body = (await (await fetch(`${dev!.url}/v1/events/${eventId}/runs`)).json()) as { data: Array<{ run_id: string; status: string; snapshot: { value: string } | null }> }
    if (body.data.length > 0 && body.data.every(accept)) return body.data.map((run) => run.run_id)
    if (Date.now() > deadline) throw new Error(`runs of ${eventId}: ${JSON.stringify(body.data.map((r) => [r.status, r.snapshot?.value]))}`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

const screenshot = (page: Page, name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: false })

/** No injected markup: the hostile payload shows as text, makes no element and raised no alert. */
async function expectInert(page: Page): Promise<void> {
  expect(await page.locator('img[src="x"]').count()).toBe(0)
  // Every script element on the page is one of ours, with the nonce (the CSP runs no other).
  expect(await page.locator('script:not([nonce])').count()).toBe(0)
  expect(alerts).toEqual([])
}

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'inngest-dashboard-'))
  await mkdir(SCREENSHOTS, { recursive: true })
  browser = await launchChromium()
  frozen = await freezeWorker(join(repoRoot, 'wrangler.toml'), workDir)
  dev = await startExampleWorker(frozen, workDir, 0)
}, TIMEOUT)

afterEach(async () => {
  await Promise.all(opened.splice(0).map((page) => page.close()))
})

afterAll(async () => {
  await browser?.close()
  await dev?.stop()
  await secured?.stop()
  if (workDir) await rm(workDir, { recursive: true, force: true })
}, TIMEOUT)

describe('the dashboard in Chromium (dev mode)', () => {
  let runId: string

  it('sends an event from the UI, and its run appears on the runs page and completes without a reload', async () => {
    const runs = await openPage(`${dev!.url}/dashboard`)
    await runs.locator('#live-state', { hasText: /^live$/ }).waitFor()
    await runs.evaluate('window.notReloaded = true')
    const send = await openPage(`${dev!.url}/dashboard/send`)
    const editor = send.locator('#send-event textarea')
    await editor.fill('{ "name": "test/hello", "data": ')
    await expect.poll(() => send.locator('#send-event button').isDisabled()).toBe(true) // invalid JSON: not sent
    expect(await send.locator('.json-problem').textContent()).toMatch(/Not valid JSON/)
    await editor.fill(JSON.stringify({ name: 'test/hello', data: { name: HOSTILE } }, null, 2))
    await screenshot(send, 'send-event')
    await send.locator('#send-event button').click()
    await send.waitForURL(/\/dashboard\/events\/\w+\?sent=1$/)
    const eventId = /\/events\/(\w+)\?/.exec(send.url())![1]!
    const row = runs.locator(`#runs tbody tr:has(a[href$="/events/${eventId}"])`)
    await row.locator('.status[data-status="Completed"]').waitFor({ timeout: 30_000 })
    expect(await runs.evaluate('window.notReloaded')).toBe(true)
    runId = (await row.getAttribute('data-run-id'))!
    await screenshot(runs, 'runs')
    await expectInert(runs)
    await expectInert(send)
    await screenshot(send, 'event')
  }, TIMEOUT)

  it('opens the run: its steps, the state diagram with the current state, the transitions', async () => {
    const page = await openPage(`${dev!.url}/dashboard`)
    await page.locator(`a[href$="/runs/${runId}"]`).click()
    await page.waitForURL(new RegExp(`/dashboard/runs/${runId}$`))
    await page.locator('#state-diagram g.node.current[data-state="done"]').waitFor()
    expect(await page.locator('#steps tbody tr').count()).toBe(1)
    expect(await page.locator('#steps tbody tr').first().getAttribute('data-step')).toBe('create-greeting')
    expect(await page.locator('#run-output').textContent()).toBe(JSON.stringify(`Hello, ${HOSTILE}!`, null, 2))
    expect(await page.locator('#transitions tbody tr').count()).toBeGreaterThanOrEqual(3)
    await screenshot(page, 'run')
    await expectInert(page)
  }, TIMEOUT)

  it('cancels a sleeping run from its page', async () => {
    const eventId = await sendEvent('order/created', { orderId: 'o-1', userId: 'u-1' })
    const [sleeping] = await runsOf(eventId, (run) => run.snapshot?.value === 'sleeping')
    const page = await openPage(`${dev!.url}/dashboard/runs/${sleeping}`)
    await page.locator('#state-diagram g.node.current[data-state="sleeping"]').waitFor()
    await screenshot(page, 'run-sleeping')
    await page.locator('#cancel-run').click()
    await page.locator('#run-status .status[data-status="Cancelled"]').waitFor()
    expect(page.url()).toMatch(/\?done=cancelled$/)
    await page.locator('#state-diagram g.node.current[data-state="done"]').waitFor()
  }, TIMEOUT)

  it('bulk-cancels every sleeping run of a function after a preview of how many', async () => {
    const eventIds = await Promise.all([1, 2, 3].map((i) => sendEvent('order/created', { orderId: `bulk-${i}`, userId: 'u' })))
    const sleeping = (await Promise.all(eventIds.map((id) => runsOf(id, (run) => run.snapshot?.value === 'sleeping')))).flat()
    const page = await openPage(`${dev!.url}/dashboard/bulk`)
    await page.locator('select[name="app_id"]').selectOption('example')
    await page.locator('select[name="function_id"]').selectOption('process-order')
    await page.locator('#bulk-filter button').click()
    await page.locator('#bulk-count').waitFor()
    expect(Number(await page.locator('#bulk-count').textContent())).toBeGreaterThanOrEqual(3)
    await screenshot(page, 'bulk')
    await page.locator('#bulk-cancel').click()
    await page.locator('#bulk-done').waitFor()
    for (const id of eventIds) await runsOf(id, (run) => run.status === 'Cancelled')
    expect(sleeping).toHaveLength(3)
  }, TIMEOUT)

  it('shows events, an event with its runs, functions and apps', async () => {
    const events = await openPage(`${dev!.url}/dashboard/events`)
    expect(await events.locator('#events tbody tr').count()).toBeGreaterThanOrEqual(5)
    await screenshot(events, 'events')
    await expectInert(events)
    const functions = await openPage(`${dev!.url}/dashboard/functions`)
    expect(await functions.locator('section.function').count()).toBeGreaterThanOrEqual(3)
    await screenshot(functions, 'functions')
    const apps = await openPage(`${dev!.url}/dashboard/apps`)
    expect(await apps.locator('h1').textContent()).toBe('Apps')
    await apps.locator('#sync-app input[name="url"]').waitFor()
    const runs = await openPage(`${dev!.url}/dashboard`)
    expect(await runs.locator('#runs tbody tr').count()).toBeGreaterThanOrEqual(5)
    await screenshot(runs, 'runs')
  }, TIMEOUT)
})

describe('the dashboard in Chromium outside dev mode', () => {
  it('needs a sign-in with the signing key, then shows the runs', async () => {
    secured = await startExampleWorker(frozen, workDir, 1, { INNGEST_DEV: '0', INNGEST_SIGNING_KEY: SIGNING_KEY })
    expect((await fetch(`${secured.url}/dashboard/events`, { redirect: 'manual' })).status).toBe(401)
    const page = await openPage(`${secured.url}/dashboard/events`)
    await page.waitForURL(/\/dashboard\/login\?next=/)
    await screenshot(page, 'login')
    await page.locator('input[name="secret"]').fill('signkey-test-wrong')
    await page.locator('form button').click()
    await page.locator('p.error', { hasText: 'neither' }).waitFor()
    await page.locator('input[name="secret"]').fill(SIGNING_KEY)
    await page.locator('form button').click()
    await page.waitForURL(new RegExp(`${secured.url}/dashboard/events$`))
    await page.locator('#events').waitFor()
    const cookies = await page.context().cookies()
    expect(cookies.find((cookie) => cookie.name === 'inngest_dashboard')).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict' })
  }, TIMEOUT)
})
