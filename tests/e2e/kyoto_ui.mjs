// End-to-end: the Kyoto trip that kyoto_trip.py built through the Python SDK, as the owner sees
// it in a real headless Chromium (Debian's, never a downloaded one).
//
//   node tests/e2e/kyoto_ui.mjs <base-url> <owner-login-url>
//
// Logs in with the one-time link, finds the trip by its title (owner API), opens its page and
// checks what is visible against tests/fixtures/kyoto_trip.json: title, currency, seven days,
// each day's stops with their times and its note, the places list. Screenshot:
// target/e2e/kyoto-trip.png. Prints PASS/FAIL per step; exits non-zero on the first failure.

import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  WAIT_MS, assert, collectPageErrors, equal, launchChromium, ownerBrowserLogin, ownerOp, parseArgs, stepper,
} from './lib.mjs';

const { base, loginUrl } = parseArgs('kyoto_ui.mjs');
const { step, summary } = stepper();
const outDir = fileURLToPath(new URL('../../target/e2e/', import.meta.url));
const data = JSON.parse(readFileSync(new URL('../fixtures/kyoto_trip.json', import.meta.url), 'utf8'));

async function main() {
  mkdirSync(outDir, { recursive: true });
  const browser = await step('launch headless Chromium', () => launchChromium({ timeout: WAIT_MS }));
  let page;
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, locale: 'en-GB' });
    page = await context.newPage();
    page.setDefaultTimeout(WAIT_MS);
    const pageErrors = collectPageErrors(page).errors;

    const tripId = await step('owner logs in; the Kyoto trip is in the trips list', async () => {
      const owner = await ownerBrowserLogin(page, base, loginUrl, async () => {
        await page.waitForURL((u) => u.hash.startsWith('#/'));
        await page.locator('#main-nav').waitFor();
      });
      const { trips } = await ownerOp(base, owner, 'list_trips');
      const trip = trips.find((t) => t.title === data.trip.title);
      assert(trip, `no trip titled ${data.trip.title} in ${JSON.stringify(trips.map((t) => t.title))}`);
      await page.goto(`${base}/#/trips`);
      await page.locator('#trip-list .trip-link', { hasText: data.trip.title }).waitFor();
      return trip.id;
    });

    await step('the trip page shows the title, EUR and one day per date', async () => {
      await page.locator('#trip-list .trip-link', { hasText: data.trip.title }).click();
      await page.waitForURL((u) => u.hash === `#/trips/${tripId}`);
      await page.locator('#trip-title', { hasText: data.trip.title }).waitFor();
      assert((await page.locator('#trip-head').innerText()).includes('EUR'), 'currency EUR in the header');
      equal(await page.locator('.day').count(), data.itinerary.length, 'days');
    });

    await step("each day shows its stops in order with their times, and its note", async () => {
      for (const [i, stops] of data.itinerary.entries()) {
        const day = page.locator('.day').nth(i);
        const names = await day.locator('.stop .stop-label').allInnerTexts();
        equal(JSON.stringify(names), JSON.stringify(stops.map((s) => s.place)), `stops of day ${i + 1}`);
        const times = await day.locator('.stop .time-btn').allInnerTexts();
        for (const [j, stop] of stops.entries()) {
          assert(times[j]?.includes(stop.start_time) && times[j]?.includes(stop.end_time),
            `day ${i + 1}, ${stop.place}: time shows ${stop.start_time}–${stop.end_time}, got ${times[j]}`);
        }
        const notes = await day.locator('.notes').innerText();
        assert(notes.includes(data.day_notes.texts[i]), `day ${i + 1} note ${data.day_notes.texts[i]}, got ${notes}`);
      }
    });

    await step('the places list shows all 16 places', async () => {
      const text = await page.locator('#place-list').innerText();
      equal(await page.locator('#place-list > li.place').count(), data.places.length, 'places listed');
      for (const place of data.places) assert(text.includes(place.name), `${place.name} in the places list`);
    });

    await step('screenshot target/e2e/kyoto-trip.png; no script or HTTP errors on the page', async () => {
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: `${outDir}kyoto-trip.png`, fullPage: true });
      console.log(`     screenshot: ${outDir}kyoto-trip.png`);
      assert(pageErrors.length === 0, pageErrors.join('\n'));
    });
  } catch (error) {
    if (page) await page.screenshot({ path: `${outDir}failure-kyoto.png`, fullPage: true }).catch(() => {});
    throw error;
  } finally {
    await browser.close();
  }
}

try {
  await main();
  console.log(`kyoto_ui: ${summary()}`);
  process.exit(0);
} catch {
  console.log(`kyoto_ui: ${summary()}`);
  process.exit(1);
}
