// End-to-end: the consent card in a real headless Chromium.
//
//   node tests/e2e/ui_consent.mjs <base-url> <owner-login-url>
//   (or TREK_BASE_URL / TREK_LOGIN_URL in the environment)
//
// Two browser contexts: the owner's (logged in with the one-time link, on the landing page) and
// the assistant's (opens the authorize URL and sits on the waiting page). Node plays the rest of
// the assistant: dynamic registration, PKCE, a redirect URI on a local HTTP server, the token
// exchange. Approve with one scope unchecked, then deny a second request. Prints PASS/FAIL per
// step; exits non-zero on the first failure. Every wait is bounded.

import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import {
  WAIT_MS, Failure, assert, collectPageErrors, equal, launchChromium, ownerBrowserLogin, parseArgs, stepper,
} from './lib.mjs';

const { base, loginUrl } = parseArgs('ui_consent.mjs');
const { step, count: stepsStarted } = stepper();
const outDir = fileURLToPath(new URL('../../target/e2e/', import.meta.url));

// ---------- helpers ----------

const b64url = (buf) => buf.toString('base64url');

function pkce() {
  const verifier = b64url(randomBytes(32));
  const challenge = b64url(createHash('sha256').update(verifier).digest());
  return { verifier, challenge };
}

/** A tiny redirect target on 127.0.0.1:0 that records every query it receives. */
async function startCallbackServer() {
  const hits = [];
  const waiters = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const hit = { path: url.pathname, query: Object.fromEntries(url.searchParams) };
    hits.push(hit);
    for (const w of [...waiters]) {
      if (w.predicate(hit)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(hit);
      }
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><title>Assistant</title><p>Back at the assistant.</p>');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/callback`,
    /** Resolves with the first hit (already received or coming) matching `predicate`. */
    waitFor(predicate, what) {
      const found = hits.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const w = { predicate, resolve };
        waiters.push(w);
        setTimeout(() => {
          const i = waiters.indexOf(w);
          if (i >= 0) {
            waiters.splice(i, 1);
            reject(new Failure(`no redirect ${what} within ${WAIT_MS} ms (received: ${JSON.stringify(hits)})`));
          }
        }, WAIT_MS);
      });
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

async function postJson(path, body) {
  const response = await fetch(base + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(WAIT_MS),
  });
  return { status: response.status, body: await response.json().catch(() => null) };
}

async function postForm(path, fields) {
  const response = await fetch(base + path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
    signal: AbortSignal.timeout(WAIT_MS),
  });
  return { status: response.status, body: await response.json().catch(() => null) };
}

function authorizeUrl({ clientId, redirectUri, challenge, scope, state }) {
  const url = new URL(`${base}/oauth/authorize`);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: redirectUri,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    scope,
    state,
  }).toString();
  return url.toString();
}

/** Opens the authorize URL in the assistant's context; returns the request code the waiting page shows. */
async function startOnWaitingPage(page, params) {
  await page.goto(authorizeUrl(params), { timeout: WAIT_MS });
  const urlId = new URL(page.url()).searchParams.get('id');
  assert(urlId, `expected the waiting page, got ${page.url()}`);
  const codeEl = page.locator('#request-id');
  await codeEl.filter({ hasNotText: '…' }).waitFor({ timeout: WAIT_MS });
  const code = (await codeEl.textContent()).trim();
  equal(code, urlId, 'request code on the waiting page');
  await page.locator('#client-name', { hasText: params.clientName }).waitFor({ timeout: WAIT_MS });
  return code;
}

/** The owner's card for `code`, once it is visible. */
async function cardFor(owner, code) {
  const card = owner.locator(`.consent-card[data-request-id="${code}"]`);
  await card.waitFor({ state: 'visible', timeout: WAIT_MS });
  equal((await card.locator('.code-value').textContent()).trim(), code, 'request code on the card');
  return card;
}

// ---------- the run ----------

const cleanups = [];
let ownerPage = null;
let exitCode = 0;
const hardStop = setTimeout(() => {
  console.log('FAIL the whole run took longer than 120 s');
  process.exit(1);
}, 120000);

try {
  mkdirSync(outDir, { recursive: true });
  const callback = await startCallbackServer();
  cleanups.push(() => callback.close());

  const browser = await step('launch headless Chromium', () => launchChromium({ timeout: WAIT_MS }));
  cleanups.push(() => browser.close());

  const ownerContext = await browser.newContext({ viewport: { width: 1100, height: 1000 } });
  const assistantContext = await browser.newContext();
  ownerPage = await ownerContext.newPage();
  ownerPage.setDefaultTimeout(WAIT_MS);
  const pageErrors = collectPageErrors(ownerPage).errors;

  // (a) The owner logs in with the one-time link and lands on the app page.
  await step('owner logs in with the one-time link and sees the landing page', async () => {
    await ownerBrowserLogin(ownerPage, base, loginUrl, async () => {
      await ownerPage.locator('#status').waitFor({ state: 'visible' });
      await ownerPage.locator('#connections').waitFor({ state: 'visible' });
    });
    equal(new URL(ownerPage.url()).pathname, '/', 'page after login');
    assert((await ownerPage.locator('#mcp-url').textContent()).endsWith('/mcp'), 'MCP URL is shown');
    assert(await ownerPage.locator('#consents').isHidden(), 'no consent queue while nothing is pending');
    equal(await ownerPage.title(), 'Trek', 'title with an empty queue');
  });

  // (b) The assistant registers and sends its browser to /oauth/authorize.
  const clientName = 'E2E Assistant';
  const clientId = await step('assistant registers a public client (DCR)', async () => {
    const { status, body } = await postJson('/oauth/register', {
      client_name: clientName, redirect_uris: [callback.url], token_endpoint_auth_method: 'none',
    });
    equal(status, 201, 'POST /oauth/register status');
    assert(body.client_id?.startsWith('trekci_'), `client_id ${body.client_id}`);
    return body.client_id;
  });

  const first = { ...pkce(), state: b64url(randomBytes(12)) };
  const assistantPage = await assistantContext.newPage();
  assistantPage.setDefaultTimeout(WAIT_MS);
  const firstCode = await step('assistant browser lands on the waiting page with a request code', () =>
    startOnWaitingPage(assistantPage, {
      clientId, clientName, redirectUri: callback.url, challenge: first.challenge,
      scope: 'trips:read trips:write budget:read offline_access', state: first.state,
    }));

  // (c) The owner sees the card with the same code, unchecks one scope and approves.
  await step('owner page shows the consent card with the same request code', async () => {
    const card = await cardFor(ownerPage, firstCode);
    equal((await card.locator('h3').textContent()).trim(), clientName, 'client name on the card');
    equal((await card.locator('.redirect-host').textContent()).trim(), '127.0.0.1', 'redirect host');
    equal((await card.locator('.kind .tag').textContent()).trim(), 'dynamic', 'client kind');
    const boxes = card.locator('.scope-picker input[type="checkbox"]');
    equal(await boxes.count(), 3, 'one checkbox per requested scope');
    for (const box of await boxes.all()) assert(await box.isChecked(), 'requested scopes start checked');
    assert(await card.locator('.scope.risk-write input[value="trips:write"]').count() === 1,
      'trips:write is marked as a write scope');
    equal(await ownerPage.title(), '(1) Trek', 'title counts the pending request');
    assert(await ownerPage.locator('#consents').isVisible(), 'queue is visible');
    const live = (await ownerPage.locator('#consent-announce').textContent()) ?? '';
    assert(live.includes(firstCode), `aria-live announcement names the code (got "${live}")`);
  });

  await step('approve is disabled with no scope checked', async () => {
    const card = await cardFor(ownerPage, firstCode);
    const boxes = await card.locator('.scope-picker input[type="checkbox"]').all();
    for (const box of boxes) await box.uncheck();
    assert(await card.locator('button.approve').isDisabled(), 'Approve disabled when nothing is checked');
    for (const box of boxes) await box.check();
    assert(await card.locator('button.approve').isEnabled(), 'Approve enabled again');
  });

  await step('owner unchecks trips:write and approves', async () => {
    const card = await cardFor(ownerPage, firstCode);
    await card.locator('input[value="trips:write"]').uncheck();
    await card.locator('button.approve').click();
    await card.waitFor({ state: 'detached' });
    await ownerPage.locator('#consents').waitFor({ state: 'hidden' });
    equal(await ownerPage.title(), 'Trek', 'title after the queue empties');
  });

  // (d) The waiting page follows the redirect; the code exchanges for the narrowed scopes.
  const approved = await step('assistant browser is redirected with code, state and iss', async () => {
    const hit = await callback.waitFor((h) => h.query.state === first.state, 'for the approved request');
    assert(hit.query.code?.startsWith('trekac_'), `code ${hit.query.code}`);
    equal(hit.query.iss, base, 'iss');
    assert(!('error' in hit.query), `unexpected error ${hit.query.error}`);
    await assistantPage.waitForURL((u) => u.toString().startsWith(callback.url), { timeout: WAIT_MS });
    return hit.query;
  });

  await step('code exchanges at /oauth/token for the scopes the owner kept', async () => {
    const { status, body } = await postForm('/oauth/token', {
      grant_type: 'authorization_code', code: approved.code, redirect_uri: callback.url,
      client_id: clientId, code_verifier: first.verifier,
    });
    equal(status, 200, `POST /oauth/token status (${JSON.stringify(body)})`);
    assert(body.access_token?.startsWith('trekoa_'), 'access token');
    const granted = body.scope.split(' ');
    assert(!granted.includes('trips:write'), `granted scope "${body.scope}" must lack trips:write`);
    assert(granted.includes('trips:read') && granted.includes('budget:read'), `granted scope "${body.scope}"`);
  });

  await step('owner page lists the new session', async () => {
    await ownerPage.locator('#session-list li', { hasText: clientName }).waitFor({ timeout: WAIT_MS });
  });

  // (e) + (f) A second request: screenshot the pending card, then deny it.
  const second = { ...pkce(), state: b64url(randomBytes(12)) };
  const secondPage = await assistantContext.newPage();
  secondPage.setDefaultTimeout(WAIT_MS);
  const secondCode = await step('second request reaches the waiting page', () =>
    startOnWaitingPage(secondPage, {
      clientId, clientName, redirectUri: callback.url, challenge: second.challenge,
      scope: 'trips:read trips:write trips:delete places:read budget:write', state: second.state,
    }));

  await step('screenshot of the owner page with a pending card', async () => {
    const card = await cardFor(ownerPage, secondCode);
    assert(await card.locator('.scope.risk-delete input[value="trips:delete"]').count() === 1,
      'trips:delete is marked irreversible');
    await ownerPage.evaluate(() => window.scrollTo(0, 0));
    const path = `${outDir}consent-card.png`;
    await ownerPage.screenshot({ path });
    console.log(`     screenshot: ${path}`);
  });

  await step('owner denies; the redirect carries error=access_denied', async () => {
    const card = await cardFor(ownerPage, secondCode);
    await card.locator('button.deny').click();
    await card.waitFor({ state: 'detached' });
    const hit = await callback.waitFor((h) => h.query.state === second.state, 'for the denied request');
    equal(hit.query.error, 'access_denied', 'error');
    assert(!('code' in hit.query), 'no code on a denied request');
    equal(hit.query.iss, base, 'iss');
    await secondPage.waitForURL((u) => u.toString().startsWith(callback.url), { timeout: WAIT_MS });
  });

  await step('owner page logged no script errors (CSP, exceptions)', async () => {
    assert(pageErrors.length === 0, pageErrors.join('\n'));
  });
  console.log('PASS ui_consent: all steps passed');
} catch (error) {
  exitCode = 1;
  if (!(error instanceof Failure) && stepsStarted() === 0) console.log(`FAIL setup: ${error?.stack ?? error}`);
  if (ownerPage) {
    const path = `${outDir}failure-owner.png`;
    await ownerPage.screenshot({ path, fullPage: true }).then(() => console.log(`     owner page at failure: ${path}`),
      () => {});
  }
  console.log('FAIL ui_consent');
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  clearTimeout(hardStop);
}
process.exit(exitCode);
