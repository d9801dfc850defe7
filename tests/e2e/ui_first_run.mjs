// End-to-end: the desktop-app touches of the owner's UI, in a real headless Chromium.
//
//   node tests/e2e/ui_first_run.mjs <base-url> <owner-login-url>
//   (or TREK_BASE_URL / TREK_LOGIN_URL in the environment)
//
// First run: a fresh install shows the welcome (three steps, the data folder), "Connect your
// first assistant" dismisses it and leads to the connect list; a reload does not show it again,
// and the server agrees (`/api/settings/welcome`). Pause AI access on the Connections page:
// the button pauses and resumes (checked against the server), the reads choice is stored, and
// a pause set outside the page (the tray, the CLI, another window) appears without a reload.
// Settings: About shows the build; "Start at login" says it is desktop-only in a browser on
// `trek serve`. Prints PASS/FAIL per step; exits non-zero on the first failure; bounded waits.

import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  Failure, assert, collectPageErrors, equalJson, launchChromium, ownerApi, ownerBrowserLogin, parseArgs, stepper, until,
} from './lib.mjs';

const WAIT_MS = 10000;
const LIVE_MS = 3000;
const { base, loginUrl } = parseArgs('ui_first_run.mjs');
const { step, count: stepsStarted } = stepper();
const outDir = fileURLToPath(new URL('../../target/e2e/', import.meta.url));

const cleanups = [];
let page = null;
let exitCode = 0;
const hardStop = setTimeout(() => {
  console.log('FAIL the whole run took longer than 120 s');
  process.exit(1);
}, 120000);

try {
  mkdirSync(outDir, { recursive: true });
  const browser = await step('launch headless Chromium', () => launchChromium({ timeout: WAIT_MS }));
  cleanups.push(() => browser.close());
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, locale: 'en-GB' });
  page = await context.newPage();
  page.setDefaultTimeout(WAIT_MS);
  const watch = collectPageErrors(page);
  let cookie = '';
  const get = async (path) => {
    const answer = await ownerApi(base, cookie, 'GET', path);
    assert(answer.status === 200, `GET ${path}: ${answer.status} ${answer.text}`);
    return answer.json;
  };
  const put = async (path, body) => {
    const answer = await ownerApi(base, cookie, 'PUT', path, body);
    assert(answer.status === 200, `PUT ${path}: ${answer.status} ${answer.text}`);
  };

  await step('first visit shows the welcome: what Trek does, the data folder, what to do first', async () => {
    cookie = await ownerBrowserLogin(page, base, loginUrl, async () => {
      await page.locator('#welcome').waitFor({ state: 'visible' });
    });
    const status = await get('/api/status');
    equalJson(await page.locator('#welcome .welcome-steps > li').count(), 3, 'three steps');
    equalJson(await page.locator('#welcome-data-dir').textContent(), status.data_dir, 'data folder shown');
    for (const id of ['#welcome-connect', '#welcome-trip', '#welcome-later']) {
      assert(await page.locator(id).isVisible(), `${id} visible`);
    }
    equalJson(await get('/api/settings/welcome'), { dismissed: false }, 'server: not dismissed yet');
    await page.screenshot({ path: `${outDir}welcome.png`, fullPage: true });
  });

  await step('"Connect your first assistant" dismisses it and leads to the connect list', async () => {
    await page.locator('#welcome-connect').click();
    await page.locator('#welcome').waitFor({ state: 'detached' });
    await page.waitForURL((u) => u.hash === '#/connections');
    await page.locator('#connect-list').waitFor({ state: 'visible' });
    equalJson(await get('/api/settings/welcome'), { dismissed: true }, 'server: dismissed');
  });

  await step('after a reload the welcome is not shown again', async () => {
    await page.reload();
    await page.locator('#connections').waitFor({ state: 'visible' });
    // The page asked the server and decided: wait for the pause box, built after that question.
    await page.locator('#ai-pause-state', { hasText: 'Assistants can use Trek.' }).waitFor();
    equalJson(await page.locator('#welcome').count(), 0, 'no welcome after reload');
  });

  await step('Pause AI access: the button pauses and resumes, and the server agrees', async () => {
    const toggle = page.locator('#ai-pause-toggle');
    equalJson((await toggle.textContent()).trim(), 'Pause AI access', 'button label');
    await toggle.click();
    await page.locator('#ai-pause-state', { hasText: 'every assistant request is refused' }).waitFor();
    equalJson(await get('/api/settings/ai-access'), { paused: true, allow_reads: false }, 'server: paused');
    equalJson((await toggle.textContent()).trim(), 'Resume AI access', 'button label while paused');
    await page.locator('#ai-pause-reads').check();
    await page.locator('#ai-pause-state', { hasText: 'assistants can read your trips' }).waitFor();
    equalJson(await get('/api/settings/ai-access'), { paused: true, allow_reads: true }, 'server: reads allowed');
    await toggle.click();
    await page.locator('#ai-pause-state', { hasText: 'Assistants can use Trek.' }).waitFor();
    equalJson(await get('/api/settings/ai-access'), { paused: false, allow_reads: true }, 'server: resumed');
  });

  await step('a pause set elsewhere (tray, CLI, another window) appears without a reload', async () => {
    await put('/api/settings/ai-access', { paused: true, allow_reads: false });
    await until(async () => (await page.locator('#ai-pause-state').textContent()).includes('every assistant request is refused'),
      LIVE_MS, 'paused state shown live');
    equalJson(await page.locator('#ai-pause').getAttribute('data-paused'), 'true', 'box marked paused');
    await put('/api/settings/ai-access', { paused: false, allow_reads: false });
    await until(async () => (await page.locator('#ai-pause-state').textContent()).includes('Assistants can use Trek.'),
      LIVE_MS, 'resumed state shown live');
  });

  await step('Settings: About shows the build; autostart says it is desktop-only here', async () => {
    await page.locator('#main-nav a[data-nav="settings"]').click();
    const health = await (await fetch(`${base}/healthz`)).json();
    await until(async () => (await page.locator('#settings-build').textContent()).includes(health.build.commit),
      WAIT_MS, 'build commit shown');
    const buildText = await page.locator('#settings-build').textContent();
    assert(buildText.includes(health.build.date) && buildText.includes(health.build.profile), `build line: ${buildText}`);
    await page.locator('#autostart-note', { hasText: 'Only the Trek desktop app can start at login' }).waitFor();
    assert(await page.locator('#autostart-toggle').isDisabled(), 'autostart toggle disabled in a browser');
    equalJson(await get('/api/settings/autostart'), { enabled: false, available: false }, 'server: autostart off');
  });

  await step('page logged no script errors and no HTTP errors; no missing strings', async () => {
    const missing = await page.evaluate(() => [...window.__trekMissingStrings]);
    equalJson(missing, [], 'missing i18n keys');
    assert(watch.errors.length === 0, watch.errors.join('\n'));
  });
  console.log('PASS ui_first_run: all steps passed');
} catch (error) {
  exitCode = 1;
  if (!(error instanceof Failure) && stepsStarted() === 0) console.log(`FAIL setup: ${error?.stack ?? error}`);
  if (page) {
    const path = `${outDir}failure-first-run.png`;
    await page.screenshot({ path, fullPage: true }).then(() => console.log(`     page at failure: ${path}`), () => {});
  }
  console.log('FAIL ui_first_run');
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  clearTimeout(hardStop);
}
process.exit(exitCode);
