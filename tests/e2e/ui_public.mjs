// End-to-end: Settings → Public access in a real headless Chromium.
//
//   node tests/e2e/ui_public.mjs <base-url> <owner-login-url>
//
// The section shows "Off"; with a cloudflared path that does not exist, Go public shows the
// not-installed message with install steps; a bad named-tunnel hostname is refused beside its
// field; with the cloudflared stand-in (tests/support/cloudflared_standin.py) Go public shows
// the learned trycloudflare.com URL being checked and cloudflared's own output; with "Allow share
// links on the public URL" switched on, a share link opens in the browser through the public
// host (the browser's requests to the trycloudflare.com URL are carried to Trek with that Host,
// as the tunnel would) while the app and /api stay 404 there, and switched off it is 404; Stop turns it
// off and the owner API agrees. (The health check cannot pass here: *.trycloudflare.com does
// not resolve, so "Up" is covered by the Rust tests through the stand-in's relay.) No console
// errors. Every wait is bounded.

import { request } from 'node:http';
import { fileURLToPath } from 'node:url';

import {
  WAIT_MS, assert, collectPageErrors, equal, launchChromium, ownerApi, ownerLogin, ownerOp, parseArgs, stepper, until,
} from './lib.mjs';

const { base, loginUrl } = parseArgs('ui_public.mjs');
const { step, summary } = stepper();
const STANDIN = fileURLToPath(new URL('../support/cloudflared_standin.py', import.meta.url));

/**
 * One request to Trek with `Host: host`, as the tunnel delivers a request for the public URL
 * (*.trycloudflare.com does not resolve here). Resolves with status, headers and body.
 */
function throughPublicHost(host, method, path, headers = {}) {
  const target = new URL(base);
  return new Promise((resolve, reject) => {
    const sent = request({ host: target.hostname, port: target.port, method, path, headers: { ...headers, host } }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    sent.setTimeout(WAIT_MS, () => sent.destroy(new Error(`${method} ${path} through ${host} timed out`)));
    sent.on('error', reject);
    sent.end();
  });
}

const browser = await launchChromium();
let failed = false;
try {
  const context = await browser.newContext();
  const page = await context.newPage();
  const { errors, expectBadRequest } = collectPageErrors(page, {
    origin: base,
    badRequests: { statuses: [400, 409], under: '/api/tunnel' },
  });
  page.setDefaultTimeout(WAIT_MS);
  const owner = await step('owner logs in with the one-time link', () => ownerLogin(loginUrl));
  const status = page.locator('#public-status');

  await step('Settings shows Public access as off', async () => {
    const [name, value] = owner.split('=');
    await context.addCookies([{ name, value, url: base }]);
    await page.goto(`${base}/#/settings`);
    await status.filter({ hasText: 'Off' }).waitFor();
    assert(await page.locator('#public-up').isHidden(), 'no URL while off');
  });

  await step('a missing cloudflared is named, with how to install it', async () => {
    await page.selectOption('#public-kind', 'quick');
    await page.fill('#public-cloudflared', '/nonexistent/cloudflared');
    expectBadRequest();
    await page.click('#public-start');
    const error = page.locator('#public-error');
    await error.filter({ hasText: 'cloudflared was not found at /nonexistent/cloudflared' }).waitFor();
    assert((await error.textContent()).includes('Install'), 'install instructions shown');
  });

  await step('a bad named-tunnel hostname is refused beside its field', async () => {
    await page.selectOption('#public-kind', 'named');
    assert(await page.locator('#public-token-field').isVisible(), 'token field shown for a named tunnel');
    assert(await page.locator('#public-command-field').isHidden(), 'command field hidden for a named tunnel');
    await page.fill('#public-hostname', 'https://trek.example.com/mcp');
    await page.fill('#public-token', 'eyJ0IjoidCJ9');
    expectBadRequest();
    await page.click('#public-save');
    await page.locator('[data-error-for="hostname"]').waitFor();
    const saved = await ownerApi(base, owner, 'GET', '/api/tunnel');
    equal(saved.json.settings.provider.kind, 'quick', 'nothing was saved');
  });

  await step('Go public with the stand-in shows the learned URL and cloudflared\'s output', async () => {
    await page.selectOption('#public-kind', 'quick');
    await page.fill('#public-cloudflared', STANDIN);
    await page.click('#public-start');
    await status.filter({ hasText: /https:\/\/[a-z-]+\.trycloudflare\.com/ }).waitFor();
    await page.locator('#public-stop').waitFor({ state: 'visible' });
    await until(async () => (await page.locator('#public-log').textContent()).includes('Your quick Tunnel has been created'),
      WAIT_MS, 'the tunnel output is shown');
  });

  await step('with share links allowed, a share link opens through the public URL and nothing else does', async () => {
    const view = await ownerApi(base, owner, 'GET', '/api/tunnel');
    equal(view.json.share_links, false, 'share links on the public URL are off by default');
    const publicOrigin = view.json.status.url;
    assert(publicOrigin?.startsWith('https://'), `the tunnel's URL is known: ${JSON.stringify(view.json.status)}`);
    const host = new URL(publicOrigin).host;
    const trip = await ownerOp(base, owner, 'create_trip', { title: 'Shared through the tunnel' });
    const { token } = await ownerOp(base, owner, 'create_share_link', { trip_id: trip.id });
    equal((await throughPublicHost(host, 'GET', `/share/${token}`)).status, 404, 'a share link before the switch');

    await page.click('#public-share-links');
    await page.locator('#public-share-links-note').filter({ hasText: 'Share links open through the public URL' }).waitFor();
    await until(async () => (await ownerApi(base, owner, 'GET', '/api/tunnel')).json.share_links === true,
      WAIT_MS, 'the switch is saved');

    // A visitor's browser: every request to the public URL is carried to Trek with its Host.
    const visitor = await browser.newContext();
    await visitor.route(`${publicOrigin}/**`, async (route) => {
      const sent = route.request();
      const url = new URL(sent.url());
      const { host: _, ...headers } = sent.headers();
      const answer = await throughPublicHost(host, sent.method(), url.pathname + url.search, headers);
      const flat = Object.fromEntries(Object.entries(answer.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v)]));
      await route.fulfill({ status: answer.status, headers: flat, body: answer.body });
    });
    const sharePage = await visitor.newPage();
    const visitorErrors = collectPageErrors(sharePage, { origin: publicOrigin });
    await sharePage.goto(`${publicOrigin}/share/${token}`);
    await sharePage.locator('#share-trip').filter({ hasText: 'Shared through the tunnel' }).waitFor();
    assert(visitorErrors.errors.length === 0, visitorErrors.errors.join('\n'));
    await visitor.close();
    for (const path of ['/', '/api/trips', '/api/tunnel', '/ui/app.js', '/ui/api.js']) {
      const answer = await throughPublicHost(host, 'GET', path, { cookie: owner });
      equal(answer.status, 404, `${path} through the public URL with share links on`);
    }

    await page.click('#public-share-links');
    await page.locator('#public-share-links-note').filter({ hasText: 'Off: share links open only on this computer' }).waitFor();
    equal((await throughPublicHost(host, 'GET', `/share/${token}`)).status, 404, 'a share link after the switch is off');
    equal((await throughPublicHost(host, 'GET', `/api/share/${token}`)).status, 404, 'its JSON after the switch is off');
  });

  await step('Stop turns public access off', async () => {
    await page.click('#public-stop');
    await status.filter({ hasText: 'Off' }).waitFor();
    const view = await ownerApi(base, owner, 'GET', '/api/tunnel');
    equal(view.json.status.state, 'stopped', 'the owner API agrees');
  });

  await step('no script errors and no failed requests', async () => {
    assert(errors.length === 0, errors.join('\n'));
  });
} catch {
  failed = true;
} finally {
  await browser.close();
}
console.log(`ui_public: ${summary()}`);
process.exit(failed ? 1 : 0);
