/**
 * The page shell every dashboard view renders into: navigation, styles, and the headers that
 * keep a page inert whatever it shows. Every interpolation goes through `hono/html`, which
 * escapes it; on top of that the Content-Security-Policy runs only scripts carrying this
 * response's nonce, so markup that slipped through escaping still could not run a script.
 */
import type { Context } from 'hono'
import { html, raw } from 'hono/html'
import type { HtmlEscapedString } from 'hono/utils/html'
import type { DashboardEnv } from './dashboard-env.js'
import { DASHBOARD_STYLE } from './style.js'

/** What a view renders: markup, possibly still resolving. */
export type Markup = HtmlEscapedString | Promise<HtmlEscapedString>

const VIEWS = [
  ['runs', '', 'Runs'],
  ['events', '/events', 'Events'],
  ['send', '/send', 'Send event'],
  ['functions', '/functions', 'Functions'],
  ['apps', '/apps', 'Apps'],
  ['bulk', '/bulk', 'Bulk cancel'],
] as const

export type ViewName = (typeof VIEWS)[number][0] | 'login'

/** The nonce of this response's scripts and styles (set by `securityHeaders`). */
export const scriptNonce = (c: Context<DashboardEnv>) => c.get('nonce')

/** A full page: `title`, the navigation (current view marked) and `body`; `script` runs inline with the nonce. */
export function page(c: Context<DashboardEnv>, view: ViewName, title: string, body: Markup, script?: string): Markup {
  const base = c.get('basePath')
  const nonce = scriptNonce(c)
  const session = c.get('session')
  const signedIn = view !== 'login' && !c.get('devMode')
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="csrf-token" content="${session?.csrf ?? ''}">
<title>${title} · inngest.do</title>
<style nonce="${nonce}">${raw(DASHBOARD_STYLE)}</style>
</head>
<body data-base="${base}" data-view="${view}">
<header>
  <a class="brand" href="${base}">inngest.do</a>
  ${view === 'login' ? '' : html`<nav>${VIEWS.map(([name, path, label]) => html`<a href="${base}${path}"${name === view ? raw(' aria-current="page"') : ''}>${label}</a>`)}</nav>`}
  <span class="mode">${c.get('devMode') ? 'dev mode: open to anyone who can reach it' : ''}</span>
  ${signedIn ? html`<form method="post" action="${base}/logout" class="inline">${csrfField(c)}<button class="link">Sign out</button></form>` : ''}
</header>
<main>
<h1>${title}</h1>
${body}
</main>
${script ? html`<script nonce="${nonce}">${raw(script)}</script>` : ''}
</body>
</html>`
}

/** The hidden CSRF field every form posting to the dashboard carries. */
export function csrfField(c: Context<DashboardEnv>): Markup {
  return html`<input type="hidden" name="_csrf" value="${c.get('session')?.csrf ?? ''}">`
}

/** A message box: `kind` error or notice. */
export function banner(kind: 'error' | 'notice', text: string): Markup {
  return html`<p class="${kind}" role="${kind === 'error' ? 'alert' : 'status'}">${text}</p>`
}

/**
 * The headers of every dashboard response: a CSP allowing only this response's nonce for
 * scripts and styles and same-origin connections, no framing, no sniffing, no caching, no referrer.
 */
export function securityHeaders(nonce: string): Record<string, string> {
  return {
    'content-security-policy': `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
  }
}
