// End-to-end: Settings → Public access in a real headless Chromium.
//
//   node tests/e2e/ui_public.mjs <base-url> <owner-login-url>
//
// The section shows "Off"; with a cloudflared path that does not exist, Go public shows the
// not-installed message with install steps; a bad named-tunnel hostname is refused beside its
// field; with the cloudflared stand-in (tests/support/cloudflared_standin.py) Go public shows
// the learned trycloudflare.com URL being checked and cloudflared's own output; Stop turns it
// off and the owner API agrees. (The health check cannot pass here: *.trycloudflare.com does
// not resolve, so "Up" is covered by the Rust tests through the stand-in's relay.) No console
// errors. Every wait is bounded.

import { fileURLToPath } from 'node:url';

import {
  WAIT_MS, assert, collectPageErrors, equal, launchChromium, ownerApi, ownerLogin, parseArgs, stepper, until,
} from './lib.mjs';

const { base, loginUrl } = parseArgs('ui_public.mjs');
const { step, summary } = stepper();
const STANDIN = fileURLToPath(new URL('../support/cloudflared_standin.py', import.meta.url));

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
