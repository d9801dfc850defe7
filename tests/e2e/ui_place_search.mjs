// End-to-end: the new-place form's search of real places (search_place), in a real headless
// Chromium, against a fake Nominatim this script serves on $TREK_E2E_WORLD_PORT (where
// `cargo xtask e2e` pointed the server's world-data providers) with the recorded answer shape
// in tests/fixtures/world/nominatim_search.json.
//
//   TREK_E2E_WORLD_PORT=… node tests/e2e/ui_place_search.mjs <base-url> <owner-login-url>
//
// The owner searches, picks a result (name, coordinates and address fill the form), adds the
// place (stored with the result's osm_id), then searches for something that does not exist and
// reads the provider's "no result" in the status line. Every wait is bounded.

import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import {
  Failure, assert, collectPageErrors, equal, launchChromium, ownerBrowserLogin, ownerOp as ownerOpAt, parseArgs,
  stepper, until,
} from './lib.mjs';

const WAIT_MS = 10000;
const { base, loginUrl } = parseArgs('ui_place_search.mjs');
const { step, count: stepsStarted } = stepper();
const worldPort = Number(process.env.TREK_E2E_WORLD_PORT);
const fixture = readFileSync(new URL('../fixtures/world/nominatim_search.json', import.meta.url));

const cleanups = [];
let exitCode = 0;
const hardStop = setTimeout(() => {
  console.log('FAIL the whole run took longer than 60 s');
  process.exit(1);
}, 60000);

try {
  if (!Number.isInteger(worldPort) || worldPort <= 0) throw new Failure('TREK_E2E_WORLD_PORT is not set');
  const asked = [];
  await step('serve a fake Nominatim where the server looks for it', async () => {
    const fake = createServer((req, res) => {
      const url = new URL(req.url, 'http://127.0.0.1');
      asked.push({ path: url.pathname, q: url.searchParams.get('q'), agent: req.headers['user-agent'] });
      const body = url.pathname === '/nominatim/search' && url.searchParams.get('q') !== 'Atlantis' ? fixture : '[]';
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    });
    await new Promise((resolve, reject) => fake.once('error', reject).listen(worldPort, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => fake.close(resolve)));
  });

  const browser = await step('launch headless Chromium', () => launchChromium({ timeout: WAIT_MS }));
  cleanups.push(() => browser.close());
  const page = await browser.newPage();
  page.setDefaultTimeout(WAIT_MS);
  const watch = collectPageErrors(page, { origin: base, badRequests: { statuses: [404], under: '/api/ops/search_place' } });
  const cookie = await step('owner logs in', () =>
    ownerBrowserLogin(page, base, loginUrl, () => page.locator('#main-nav').waitFor({ state: 'visible' })));
  const ownerOp = (name, input) => ownerOpAt(base, cookie, name, input);
  const trip = await ownerOp('create_trip', { title: 'Kyoto', start_date: '2031-04-01', end_date: '2031-04-03', currency: 'JPY' });
  await page.goto(`${base}/#/trips/${trip.id}`);

  await step('search lists the candidates; picking one fills name, coordinates and address', async () => {
    await page.fill('#place-search', 'Kinkaku-ji');
    await page.click('#place-search-form button[type=submit]');
    await page.locator('#place-search-results li').nth(1).waitFor();
    equal(await page.locator('#place-search-results li').count(), 2, 'candidates shown');
    equal(asked.length, 1, 'requests to Nominatim');
    equal(asked[0].q, 'Kinkaku-ji', 'query sent');
    assert(asked[0].agent.startsWith('Trek/'), `Nominatim sees Trek's User-Agent, got ${asked[0].agent}`);
    await page.getByRole('button', { name: 'Use Kinkaku-ji' }).click();
    equal(await page.inputValue('#place-name'), 'Kinkaku-ji', 'name');
    equal(await page.inputValue('#place-lat'), '35.0394385', 'latitude');
    equal(await page.inputValue('#place-lng'), '135.7292474', 'longitude');
    assert((await page.inputValue('#place-address')).endsWith('Japan'), 'address filled');
  });

  await step('adding the place stores the coordinates and the OpenStreetMap id', async () => {
    await page.click('#new-place button[type=submit]');
    await until(async () => (await ownerOp('list_places', { trip_id: trip.id })).places.length === 1, WAIT_MS, 'place stored');
    const [place] = (await ownerOp('list_places', { trip_id: trip.id })).places;
    equal(place.osm_id, 'way/36991829', 'osm_id');
    equal(place.lat, 35.0394385, 'lat');
  });

  await step('a search with no match says so', async () => {
    await page.fill('#place-search', 'Atlantis');
    watch.expectBadRequest();
    await page.click('#place-search-form button[type=submit]');
    await until(async () => (await page.textContent('#place-search-status')).includes('found no place'), WAIT_MS, 'no-result message');
    equal(await page.locator('#place-search-results li').count(), 0, 'no candidates');
  });

  await step('page logged no script errors and no unexpected HTTP errors', async () => {
    equal(watch.badRequestsLeft(), 0, 'the expected 404 happened');
    assert(watch.errors.length === 0, watch.errors.join('\n'));
  });
  console.log('PASS ui_place_search: all steps passed');
} catch (error) {
  exitCode = 1;
  if (!(error instanceof Failure) && stepsStarted() === 0) console.log(`FAIL setup: ${error?.stack ?? error}`);
  console.log('FAIL ui_place_search');
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  clearTimeout(hardStop);
}
process.exit(exitCode);
