// End-to-end: planning a trip in the owner's UI, in a real headless Chromium.
//
//   node tests/e2e/ui_trips.mjs <base-url> <owner-login-url>
//   (or TREK_BASE_URL / TREK_LOGIN_URL in the environment)
//
// The owner logs in with the one-time link, creates a trip through the form (a date range →
// its days appear), gets field-specific errors for bad input, creates places, plans one on day 1,
// sets its time, adds a day note, reorders with the keyboard-accessible buttons, moves a stop to
// another day with the "move" control and by drag and drop. Then changes are made through the
// API outside the browser (Node fetch with the owner's cookie, like an assistant would change
// the trip) and must appear within 2 s without a reload. Screenshot: target/e2e/trip-page.png.
// Every step checks what the owner sees and, where it matters, what Trek stored. Prints
// PASS/FAIL per step; exits non-zero on the first failure. Every wait is bounded.

import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  Failure, assert, collectPageErrors, equalJson, launchChromium, ownerBrowserLogin, ownerOp as ownerOpAt, parseArgs,
  stepper, until,
} from './lib.mjs';

const WAIT_MS = 10000;
const LIVE_MS = 2000;
const { base, loginUrl } = parseArgs('ui_trips.mjs');
const { step, count: stepsStarted } = stepper();
const outDir = fileURLToPath(new URL('../../target/e2e/', import.meta.url));

// ---------- the run ----------

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
  // 400s are expected where the test sends bad input on purpose; anything else is a bug.
  const watch = collectPageErrors(page, { badRequests: { statuses: [400], under: '/api/ops/' } });
  const pageErrors = watch.errors;

  /** The owner's API, from Node (outside the browser), with the browser's session cookie. */
  let cookie = '';
  const ownerOp = (name, input) => ownerOpAt(base, cookie, name, input, WAIT_MS);

  await step('owner logs in; a fresh install lands on Connections, the nav leads to Trips', async () => {
    cookie = await ownerBrowserLogin(page, base, loginUrl, async () => {
      await page.locator('#status').waitFor({ state: 'visible' });
      await page.waitForURL((u) => u.hash === '#/connections');
      await page.locator('#main-nav a[data-nav="trips"]').click();
      await page.waitForURL((u) => u.hash === '#/trips');
      await page.locator('#trip-list .empty', { hasText: 'No upcoming trips' }).waitFor();
      assert(await page.locator('#view-connections').isHidden(), 'Connections view hidden on #/trips');
      equalJson(await page.locator('#main-nav a[aria-current="page"]').getAttribute('data-nav'), 'trips', 'current nav item');
    });
  });

  const form = page.locator('#new-trip');
  await step('create trip: an empty title is refused with an error on the title field', async () => {
    watch.expectBadRequest();
    await form.locator('button[type="submit"]').click();
    const error = form.locator('[data-error-for="title"]');
    await error.waitFor();
    assert((await error.textContent()).includes('title'), `title error names the field: ${await error.textContent()}`);
    equalJson(await page.locator('#trip-title-input').getAttribute('aria-invalid'), 'true', 'title marked invalid');
    assert(await page.locator('#trip-title-input').evaluate((el) => el === document.activeElement), 'focus on the title field');
  });

  await step('create trip: a last day before the first is refused on the last-day field', async () => {
    watch.expectBadRequest();
    await page.locator('#trip-title-input').fill('Kyoto in spring');
    await page.locator('#trip-start').fill('2031-04-03');
    await page.locator('#trip-end').fill('2031-04-01');
    await page.locator('#trip-currency').fill('JPY');
    await form.locator('button[type="submit"]').click();
    const error = form.locator('[data-error-for="end_date"]');
    await error.waitFor();
    const text = await error.textContent();
    assert(text.includes('end_date') && text.includes('on or after'), `end_date error: ${text}`);
    equalJson(await form.locator('[data-error-for="title"]').count(), 0, 'the old title error is gone');
  });

  const tripId = await step('create trip with a date range: the trip page opens with its 3 days', async () => {
    await page.locator('#trip-end').fill('2031-04-03');
    await page.locator('#trip-start').fill('2031-04-01');
    await form.locator('button[type="submit"]').click();
    await page.waitForURL((u) => /^#\/trips\/\d+$/.test(u.hash));
    const id = Number(new URL(page.url()).hash.split('/')[2]);
    await page.locator('#trip-title', { hasText: 'Kyoto in spring' }).waitFor();
    await until(async () => (await page.locator('.day').count()) === 3, WAIT_MS, 'three days shown');
    const titles = await page.locator('.day h3').allTextContents();
    equalJson(titles, ['Day 1', 'Day 2', 'Day 3'], 'day headings');
    assert((await page.locator('.trip-meta').textContent()).includes('JPY'), 'currency in the header');
    assert((await page.locator('.members').textContent()).includes('owner'), 'the owner is listed as a member');
    assert((await page.title()).startsWith('Kyoto in spring'), `page title ${await page.title()}`);
    await page.locator('#place-list .empty-state').waitFor();
    return id;
  });

  const placeForm = page.locator('#new-place');
  await step('create place: a latitude out of range is refused on the latitude field', async () => {
    watch.expectBadRequest();
    await page.locator('#place-name').fill('Fushimi Inari Taisha');
    await page.locator('#place-lat').fill('134.9671');
    await page.locator('#place-lng').fill('135.7727');
    await placeForm.locator('button[type="submit"]').click();
    const error = placeForm.locator('[data-error-for="lat"]');
    await error.waitFor();
    assert((await error.textContent()).includes('between -90 and 90'), `lat error: ${await error.textContent()}`);
  });

  const places = await step('create two places (with coordinates and a category); both show as not planned', async () => {
    await page.locator('#place-lat').fill('34.9671');
    await page.locator('#place-category').selectOption({ label: '🏛️ Sight' });
    await page.locator('#place-address').fill('68 Fukakusa Yabunouchicho, Kyoto');
    await placeForm.locator('button[type="submit"]').click();
    await page.locator('#place-list .place.unassigned', { hasText: 'Fushimi Inari Taisha' }).waitFor();
    equalJson(await page.locator('#place-name').inputValue(), '', 'the form is cleared');
    await page.locator('#place-name').fill('Nishiki Market');
    await page.locator('#place-category').selectOption({ label: '🛍️ Shopping' });
    await placeForm.locator('button[type="submit"]').click();
    await page.locator('#place-list .place.unassigned', { hasText: 'Nishiki Market' }).waitFor();
    const summary = await ownerOp('get_trip_summary', { trip_id: tripId });
    const fushimi = summary.places.find((p) => p.name === 'Fushimi Inari Taisha');
    equalJson([fushimi.lat, fushimi.lng, fushimi.category], [34.9671, 135.7727, 'Sight'], 'stored place');
    return Object.fromEntries(summary.places.map((p) => [p.name, p.id]));
  });

  const day = (n) => page.locator('.day').nth(n - 1);
  const stopNames = async (n) => day(n).locator('.stop .stop-label').allTextContents();

  await step('assign both places to day 1 with its "Add to day" control', async () => {
    for (const name of ['Fushimi Inari Taisha', 'Nishiki Market']) {
      await day(1).locator('.add-stop select').selectOption({ label: name });
      await day(1).locator('.add-stop button').click();
      await day(1).locator('.stop', { hasText: name }).waitFor();
    }
    equalJson(await stopNames(1), ['Fushimi Inari Taisha', 'Nishiki Market'], 'day 1 order');
    await until(async () => (await page.locator('#place-list .place.unassigned').count()) === 0, WAIT_MS,
      'no place is highlighted as unplanned');
  });

  await step('set a time: an invalid one is refused on its field, a valid one shows on the stop', async () => {
    const stop = day(1).locator('.stop', { hasText: 'Fushimi' });
    await stop.locator('.time-btn').click();
    const start = stop.locator('input[name="start_time"]');
    assert(await start.evaluate((el) => el === document.activeElement), 'the editor focuses the start time');
    watch.expectBadRequest();
    await start.fill('25:00');
    await stop.locator('button[type="submit"]').click();
    await stop.locator('[data-error-for="start_time"]', { hasText: 'HH:MM' }).waitFor();
    await start.fill('09:00');
    await stop.locator('input[name="end_time"]').fill('11:30');
    await stop.locator('button[type="submit"]').click();
    await stop.locator('.time-btn', { hasText: '09:00–11:30' }).waitFor();
    assert(await stop.locator('.time-btn').evaluate((el) => el === document.activeElement), 'focus back on the time button');
  });

  await step('add a day note to day 1', async () => {
    await day(1).locator('button', { hasText: '+ Note' }).click();
    const noteForm = day(1).locator('.note-form');
    await noteForm.locator('input[name="text"]').fill('Leave by 6:00 to beat the crowds');
    await noteForm.locator('input[name="time"]').fill('06:00');
    await noteForm.locator('input[name="icon"]').fill('⏰');
    await noteForm.locator('button[type="submit"]').click();
    const note = day(1).locator('.note', { hasText: 'Leave by 6:00' });
    await note.waitFor();
    assert((await note.textContent()).includes('06:00'), 'note shows its time label');
    await page.locator('.note-form').waitFor({ state: 'detached' });
  });

  await step('edit the note, then reorder day 1 with the "move up" button (focus follows)', async () => {
    await day(1).locator('.note button', { hasText: 'Edit' }).click();
    const text = day(1).locator('.note-form input[name="text"]');
    await text.fill('Leave by 5:30 to beat the crowds');
    await text.press('Enter');
    await day(1).locator('.note', { hasText: 'Leave by 5:30' }).waitFor();
    await day(1).locator('.stop', { hasText: 'Nishiki' }).locator('button[aria-label="Move Nishiki Market up"]').click();
    await until(async () => (await stopNames(1))[0] === 'Nishiki Market', WAIT_MS, 'Nishiki first on day 1');
    const focused = await page.evaluate(() => document.activeElement?.getAttribute('aria-label'));
    // "Up" is disabled on the first stop, so focus moves to its "down" button.
    equalJson(focused, 'Move Nishiki Market down', 'focus stays on the moved stop');
    const summary = await ownerOp('get_trip_summary', { trip_id: tripId });
    equalJson(summary.days[0].assignments.map((a) => a.place_name), ['Nishiki Market', 'Fushimi Inari Taisha'], 'stored order');
    equalJson(summary.days[0].day_notes.map((n) => [n.text, n.time, n.icon]),
      [['Leave by 5:30 to beat the crowds', '06:00', '⏰']], 'stored note');
  });

  await step('move Fushimi to day 2 with the keyboard-accessible "move to day" control', async () => {
    const stop = day(1).locator('.stop', { hasText: 'Fushimi' });
    await stop.locator('button[aria-label="Move Fushimi Inari Taisha to another day"]').click();
    await stop.locator('select[name="new_day_id"]').selectOption({ index: 0 });
    await stop.locator('button[type="submit"]', { hasText: 'Move' }).click();
    await day(2).locator('.stop', { hasText: 'Fushimi' }).waitFor();
    equalJson(await stopNames(1), ['Nishiki Market'], 'day 1 after the move');
    assert((await day(2).locator('.time-btn').textContent()).includes('09:00'), 'the time moved with it');
  });

  await step('drag Nishiki from day 1 onto day 3 (HTML5 drag and drop)', async () => {
    await day(1).locator('.stop', { hasText: 'Nishiki' }).dragTo(day(3).locator('.stops'));
    await day(3).locator('.stop', { hasText: 'Nishiki' }).waitFor();
    await day(1).locator('.stops-empty').waitFor();
  });

  await step('an assistant-style change through the API appears within 2 s, without a reload', async () => {
    const marker = await page.evaluate(() => {
      window.__noReload = crypto.randomUUID();
      return window.__noReload;
    });
    const started = Date.now();
    const place = await ownerOp('create_place', { trip_id: tripId, name: 'Kinkaku-ji', lat: 35.0394, lng: 135.7292, category_id: 1 });
    await page.locator('#place-list .place.unassigned', { hasText: 'Kinkaku-ji' }).waitFor({ timeout: LIVE_MS });
    const shownAfter = Date.now() - started;
    await ownerOp('assign_place_to_day', { trip_id: tripId, day_id: (await ownerOp('get_trip_summary', { trip_id: tripId })).days[1].id, place_id: place.id, start_time: '14:00' });
    await day(2).locator('.stop', { hasText: 'Kinkaku-ji' }).waitFor({ timeout: LIVE_MS });
    await ownerOp('update_trip', { trip_id: tripId, title: 'Kyoto and Nara' });
    await page.locator('#trip-title', { hasText: 'Kyoto and Nara' }).waitFor({ timeout: LIVE_MS });
    await ownerOp('create_place', { trip_id: tripId, name: 'Arashiyama Bamboo Grove', category_id: 8, address: 'Sagaogurayama, Ukyo Ward, Kyoto' });
    await page.locator('#place-list .place.unassigned', { hasText: 'Arashiyama' }).waitFor({ timeout: LIVE_MS });
    equalJson(await page.evaluate(() => window.__noReload), marker, 'the page was not reloaded');
    console.log(`     new place shown ${shownAfter} ms after the API call; all four changes in ${Date.now() - started} ms`);
  });

  await step('the trips list updates live too', async () => {
    await page.locator('#main-nav a[data-nav="trips"]').click();
    await page.locator('#trip-list .trip-link', { hasText: 'Kyoto and Nara' }).waitFor();
    await ownerOp('create_trip', { title: 'Lisbon weekend', start_date: '2031-06-05', end_date: '2031-06-07', currency: 'EUR' });
    await page.locator('#trip-list .trip-link', { hasText: 'Lisbon weekend' }).waitFor({ timeout: LIVE_MS });
    await page.locator('#trip-list .trip-link', { hasText: 'Kyoto and Nara' }).click();
    await page.locator('#trip-title', { hasText: 'Kyoto and Nara' }).waitFor();
  });

  await step('edit the trip header: a lone first day is flagged on the last-day field, a title change saves', async () => {
    await page.locator('#trip-head button', { hasText: 'Edit' }).click();
    const editor = page.locator('.trip-editor');
    await editor.locator('input[name="end_date"]').fill('');
    await editor.locator('button[type="submit"]').click();
    await editor.locator('[data-error-for="end_date"]').waitFor();
    await editor.locator('input[name="end_date"]').fill('2031-04-03');
    await editor.locator('input[name="title"]').fill('Kyoto, Nara and Osaka');
    await editor.locator('button[type="submit"]').click();
    await page.locator('#trip-title', { hasText: 'Kyoto, Nara and Osaka' }).waitFor();
    await editor.waitFor({ state: 'detached' });
    equalJson(await page.locator('.day').count(), 3, 'days kept');
    assert(!(await page.locator('#trip-head').textContent()).includes('null'), 'no "null" in the header');
    const { trip } = await ownerOp('get_trip_summary', { trip_id: tripId });
    equalJson([trip.title, trip.description, trip.start_date, trip.end_date], ['Kyoto, Nara and Osaka', null, '2031-04-01', '2031-04-03'], 'stored trip');
  });

  await step('screenshot of the trip page', async () => {
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.mouse.move(0, 0);
    const path = `${outDir}trip-page.png`;
    await page.screenshot({ path, fullPage: true });
    console.log(`     screenshot: ${path}`);
  });

  await step('delete the trip: the first click only arms the button, the second deletes', async () => {
    const button = page.locator('#trip-head button.danger');
    await button.click();
    equalJson((await button.textContent()).trim(), 'Click again to delete', 'armed label');
    equalJson((await ownerOp('list_trips', {})).trips.length, 2, 'nothing deleted after one click');
    await button.click();
    await page.waitForURL((u) => u.hash === '#/trips');
    await page.locator('#trip-list .trip-link', { hasText: 'Lisbon weekend' }).waitFor();
    equalJson(await page.locator('#trip-list .trip-link', { hasText: 'Kyoto' }).count(), 0, 'deleted trip gone from the list');
    equalJson((await ownerOp('list_trips', {})).trips.map((t) => t.title), ['Lisbon weekend'], 'stored trips');
  });

  await step('page logged no script errors (CSP, exceptions) and no unexpected HTTP errors', async () => {
    equalJson(watch.badRequestsLeft(), 0, 'every expected 400 happened');
    assert(pageErrors.length === 0, pageErrors.join('\n'));
  });
  console.log('PASS ui_trips: all steps passed');
} catch (error) {
  exitCode = 1;
  if (!(error instanceof Failure) && stepsStarted() === 0) console.log(`FAIL setup: ${error?.stack ?? error}`);
  if (page) {
    const path = `${outDir}failure-trips.png`;
    await page.screenshot({ path, fullPage: true }).then(() => console.log(`     page at failure: ${path}`), () => {});
  }
  console.log('FAIL ui_trips');
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  clearTimeout(hardStop);
}
process.exit(exitCode);
