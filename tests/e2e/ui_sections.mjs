// End-to-end: every section of the trip page and the Settings page, in a real headless Chromium.
//
//   node tests/e2e/ui_sections.mjs <base-url> <owner-login-url>
//
// The owner edits every section through the UI — members (new companion profiles), places
// (create, edit; the map's markers, unplanned ones highlighted), itinerary (day title and
// notes, the night's stay), bookings (reservation confirm/cancel/edit, a stay), budget (expense,
// split, paid toggle, per-person totals, settlement, chart), packing (bag, item, check, edit),
// to-dos (create, check, edit), collab notes (pinned, unpin) — and each change is checked
// through the ops API. Bad input shows its error beside the field. Changes made outside the
// browser (POST /api/ops, as an assistant would) appear within 2 s without a reload. Settings:
// owner password (mismatch refused beside the field, then set and accepted by /auth/login),
// backup now and the restore command, restoring that backup while Trek runs; export downloads the document and importing it into a
// non-empty Trek is refused beside the file field. axe-core finds no serious or critical violations on the
// trips list, trip page, Connections and Settings; every page is screenshotted in light and
// dark under target/e2e/screens/; dark mode really is dark; no console errors, no missing
// strings, also on the login, expired-link and share pages. Map tiles are answered locally (only 127.0.0.1 is used).

import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import {
  Failure, assert, collectPageErrors, equalJson, launchChromium, ownerBrowserLogin, ownerOp as ownerOpAt, parseArgs,
  stepper, until,
} from './lib.mjs';

const WAIT_MS = 10000;
const LIVE_MS = 2000;
const { base, loginUrl } = parseArgs('ui_sections.mjs');
const { step, count: stepsStarted } = stepper();
const outDir = fileURLToPath(new URL('../../target/e2e/', import.meta.url));
const screensDir = `${outDir}screens/`;
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
// A 1×1 PNG answering map tile requests: the test never leaves 127.0.0.1.
const TILE = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mPk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

const cleanups = [];
let pageErrors = [];
let page = null;
let exitCode = 0;
const hardStop = setTimeout(() => {
  console.log('FAIL the whole run took longer than 180 s');
  process.exit(1);
}, 180000);

try {
  mkdirSync(screensDir, { recursive: true });
  const browser = await step('launch headless Chromium', () => launchChromium({ timeout: WAIT_MS }));
  cleanups.push(() => browser.close());
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, locale: 'en-GB' });
  await context.route('https://tile.openstreetmap.org/**', (route) => route.fulfill({ status: 200, contentType: 'image/png', body: TILE }));
  page = await context.newPage();
  page.setDefaultTimeout(WAIT_MS);
  // 400s and 409s are expected where the test sends bad input on purpose; anything else is a bug.
  const watch = collectPageErrors(page, { origin: base, badRequests: { statuses: [400, 409], under: '/api/' } });
  pageErrors = watch.errors;

  let cookie = '';
  const ownerOp = (name, input) => ownerOpAt(base, cookie, name, input, WAIT_MS);
  async function ownerGet(path) {
    const response = await fetch(`${base}${path}`, { headers: { cookie }, signal: AbortSignal.timeout(WAIT_MS) });
    assert(response.ok, `${path} answered ${response.status}`);
    return response.json();
  }
  const section = (id) => page.locator(`#section-${id}`);
  /** Opens a "new …" panel (once) and returns its form. */
  async function panel(key) {
    const details = page.locator(`details[data-panel="${key}"]`);
    if (!(await details.getAttribute('open') !== null)) await details.locator('summary').click();
    return details.locator('form');
  }
  async function axe(what) {
    // Through the DevTools protocol: the page's CSP (rightly) refuses inline script tags.
    await page.evaluate(`${axeSource};0`);
    const result = await page.evaluate(async () => {
      // eslint-disable-next-line no-undef
      const r = await axe.run(document, { resultTypes: ['violations'] });
      return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }));
    });
    const bad = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert(bad.length === 0, `${what}: axe found ${JSON.stringify(bad)}`);
    return result.length;
  }
  async function screens(name) {
    for (const scheme of ['light', 'dark']) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.mouse.move(0, 0);
      await page.screenshot({ path: `${screensDir}${name}-${scheme}.png`, fullPage: true });
    }
    await page.emulateMedia({ colorScheme: 'light' });
  }

  await step('owner logs in', async () => {
    cookie = await ownerBrowserLogin(page, base, loginUrl, () => page.locator('#main-nav').waitFor({ state: 'visible' }));
  });

  const trip = await step('a trip made outside the browser opens with every section', async () => {
    const created = await ownerOp('create_trip', { title: 'Alps by train', start_date: '2031-07-01', end_date: '2031-07-03', currency: 'EUR' });
    await page.goto(`${base}/#/trips/${created.id}`);
    await page.locator('#trip-title', { hasText: 'Alps by train' }).waitFor();
    for (const id of ['itinerary', 'bookings', 'budget', 'packing', 'todos', 'members', 'map', 'places', 'notes']) {
      await section(id).waitFor();
    }
    // Empty states say what to do.
    for (const id of ['bookings', 'budget', 'packing', 'todos', 'notes', 'map', 'places']) {
      assert(await section(id).locator('.empty-state').count() > 0, `${id} has an empty state`);
    }
    return created;
  });
  const summary = () => ownerOp('get_trip_summary', { trip_id: trip.id });

  await step('members: two new companion profiles are created and added', async () => {
    const form = await panel('new-member');
    for (const name of ['Alex', 'Sam']) {
      await form.locator('input[name="name"]').fill(name);
      await form.locator('button[type="submit"]').click();
      await section('members').locator('.member-row', { hasText: name }).waitFor();
    }
    watch.expectBadRequest();
    await form.locator('input[name="name"]').fill('alex');
    await form.locator('button[type="submit"]').click();
    await form.locator('[data-error-for="name"]', { hasText: 'exists already' }).waitFor();
    const { members } = await ownerOp('list_trip_members', { trip_id: trip.id });
    equalJson(members.map((m) => m.name), ['You', 'Alex', 'Sam'], 'stored members');
    equalJson((await ownerOp('list_companions')).companions.map((c) => c.name), ['Alex', 'Sam'], 'stored profiles');
  });

  await step('places: create two (one with a bad latitude first), edit one; the map shows both, unplanned highlighted', async () => {
    const form = page.locator('#new-place');
    await page.locator('#place-name').fill('Hotel Bellevue');
    await page.locator('#place-lat').fill('146.5');
    await page.locator('#place-lng').fill('7.9');
    watch.expectBadRequest();
    await form.locator('button[type="submit"]').click();
    await form.locator('[data-error-for="lat"]').waitFor();
    await page.locator('#place-lat').fill('46.5');
    await form.locator('button[type="submit"]').click();
    await page.locator('#place-list .place', { hasText: 'Hotel Bellevue' }).waitFor();
    await page.locator('#place-name').fill('Jungfraujoch');
    await page.locator('#place-lat').fill('46.547');
    await page.locator('#place-lng').fill('7.985');
    await form.locator('button[type="submit"]').click();
    const row = page.locator('#place-list .place', { hasText: 'Jungfraujoch' });
    await row.waitFor();
    await row.locator('button', { hasText: 'Edit' }).click();
    const editor = row.locator('form.place-editor');
    await editor.locator('input[name="name"]').fill('Jungfraujoch, Top of Europe');
    await editor.locator('input[name="phone"]').fill('+41 33 828 72 33');
    await editor.locator('input[name="name"]').press('Enter');
    await page.locator('#place-list .place', { hasText: 'Top of Europe' }).waitFor();
    const stored = (await summary()).places.find((p) => p.name === 'Jungfraujoch, Top of Europe');
    equalJson([stored?.phone, stored?.lat], ['+41 33 828 72 33', 46.547], 'stored place');
    await until(async () => (await page.locator('#trip-map .pin').count()) === 2, WAIT_MS, 'two markers');
    equalJson(await page.locator('#trip-map .pin.unassigned').count(), 2, 'both unplanned markers highlighted');
    equalJson(await page.locator('#trip-map .leaflet-marker-icon[title="Hotel Bellevue"]').count(), 1, 'marker named');
  });

  await step('itinerary: day title and notes are edited; Escape closes an editor', async () => {
    const day1 = page.locator('.day').first();
    await day1.locator('button', { hasText: 'Edit day' }).click();
    await day1.locator('input[name="title"]').fill('Arrival');
    await day1.locator('input[name="title"]').press('Escape');
    await day1.locator('form.day-editor').waitFor({ state: 'detached' });
    await day1.locator('button', { hasText: 'Edit day' }).click();
    await day1.locator('input[name="title"]').fill('Arrival in Interlaken');
    await day1.locator('textarea[name="notes"]').fill('Swiss Travel Pass from the station');
    await day1.locator('form.day-editor button[type="submit"]').click();
    await day1.locator('h3', { hasText: 'Arrival in Interlaken' }).waitFor();
    const { days } = await summary();
    equalJson([days[0].title, days[0].notes], ['Arrival in Interlaken', 'Swiss Travel Pass from the station'], 'stored day');
  });

  await step('bookings: a reservation is added, confirmed, edited and cancelled', async () => {
    const form = await panel('new-reservation');
    await form.locator('input[name="title"]').fill('Train to Interlaken');
    await form.locator('select[name="type"]').selectOption('train');
    await form.locator('select[name="day_id"]').selectOption({ index: 1 });
    await form.locator('input[name="reservation_time"]').fill('08:12');
    await form.locator('input[name="confirmation_number"]').fill('SBB-4411');
    await form.locator('input[name="price"]').fill('64.80');
    await form.locator('button[type="submit"]').click();
    const row = page.locator('#reservation-list .booking', { hasText: 'Train to Interlaken' });
    await row.locator('.status-tag', { hasText: 'pending' }).waitFor();
    await row.locator('button', { hasText: 'Confirm' }).click();
    await row.locator('.status-tag', { hasText: 'confirmed' }).waitFor();
    let stored = (await summary()).reservations[0];
    equalJson([stored.type, stored.time, stored.confirmation_number, stored.price, stored.status], ['train', '08:12', 'SBB-4411', '64.80', 'confirmed'], 'stored reservation');
    await row.locator('button', { hasText: 'Edit' }).click();
    await row.locator('input[name="location"]').fill('Zürich HB, platform 31');
    await row.locator('form button[type="submit"]').click();
    await row.locator('.row-meta', { hasText: 'platform 31' }).waitFor();
    await row.locator('button', { hasText: 'Cancel booking' }).click();
    await row.locator('.status-tag', { hasText: 'cancelled' }).waitFor();
    stored = (await summary()).reservations[0];
    equalJson([stored.location, stored.status], ['Zürich HB, platform 31', 'cancelled'], 'stored after edit and cancel');
  });

  await step('bookings: a stay is added and shows on its nights in the itinerary', async () => {
    const form = await panel('new-stay');
    await form.locator('select[name="place_id"]').selectOption({ label: 'Hotel Bellevue' });
    await form.locator('select[name="start_day_id"]').selectOption({ index: 0 });
    await form.locator('select[name="end_day_id"]').selectOption({ index: 2 });
    await form.locator('input[name="check_in"]').fill('15:00');
    await form.locator('button[type="submit"]').click();
    await page.locator('#stay-list .stay', { hasText: '2 nights' }).waitFor();
    const stays = (await summary()).accommodations;
    equalJson(stays.map((s) => [s.place_name, s.check_in]), [['Hotel Bellevue', '15:00']], 'stored stay');
    await page.locator('.day').nth(0).locator('.day-stay', { hasText: 'Hotel Bellevue' }).waitFor();
    await page.locator('.day').nth(1).locator('.day-stay', { hasText: 'Hotel Bellevue' }).waitFor();
    equalJson(await page.locator('.day').nth(2).locator('.day-stay').count(), 0, 'no stay on the check-out night');
  });

  await step('budget: a bad amount is refused beside its field; an expense is split, paid, settled and charted', async () => {
    const form = await panel('new-expense');
    await form.locator('input[name="name"]').fill('Fondue dinner');
    await form.locator('input[name="total_price"]').fill('ninety');
    watch.expectBadRequest();
    await form.locator('button[type="submit"]').click();
    await form.locator('[data-error-for="total_price"]').waitFor();
    await form.locator('input[name="total_price"]').fill('90.00');
    await form.locator('input[name="category"]').fill('Food');
    await form.locator('select[name="paid_by"]').selectOption({ label: 'You' });
    await form.locator('button[type="submit"]').click();
    const row = page.locator('#budget-list .expense', { hasText: 'Fondue dinner' });
    await row.waitFor();
    await row.locator('button', { hasText: 'Split…' }).click();
    for (const name of ['You', 'Alex', 'Sam']) await row.locator('.split-form').getByLabel(name, { exact: true }).check();
    await row.locator('.split-form button[type="submit"]').click();
    await row.locator('.share').nth(2).waitFor();
    await row.locator('.share', { hasText: 'Alex' }).locator('input').check();
    await row.locator('.share.paid', { hasText: 'Alex' }).waitFor();
    const item = (await summary()).budget.items[0];
    equalJson(item.members.map((m) => [m.name, m.share, m.paid]).sort(), [['Alex', '30.00', true], ['Sam', '30.00', false], ['You', '30.00', false]], 'stored split');
    await section('budget').locator('.transfers li', { hasText: 'Sam pays You' }).waitFor();
    equalJson(await section('budget').locator('.table tbody tr').count(), 3, 'per-person rows');
    equalJson(await section('budget').locator('svg.chart rect').count(), 1, 'one bar (Food)');
    const { transfers } = await ownerOp('get_budget_settlement', { trip_id: trip.id });
    equalJson(transfers.map((x) => [x.from_name, x.to_name, x.amount]), [['Sam', 'You', '30.00']], 'stored settlement');
  });

  await step('packing: a bag and an item are added; the item is checked and edited', async () => {
    const bagForm = await panel('new-bag');
    await bagForm.locator('input[name="name"]').fill('Carry-on');
    await bagForm.locator('button[type="submit"]').click();
    await page.locator('#bag-list .bag', { hasText: 'Carry-on' }).waitFor();
    const form = await panel('new-packing');
    await form.locator('input[name="name"]').fill('Wool socks');
    await form.locator('input[name="quantity"]').fill('3');
    await form.locator('input[name="category"]').fill('Clothes');
    await form.locator('select[name="bag_id"]').selectOption({ label: 'Carry-on' });
    await form.locator('button[type="submit"]').click();
    const row = page.locator('#packing-list .check-item', { hasText: 'Wool socks' });
    await row.waitFor();
    await row.locator('input[type="checkbox"]').check();
    await page.locator('#packing-list .check-item.done', { hasText: 'Wool socks' }).waitFor();
    await row.locator('button', { hasText: 'Edit' }).click();
    await row.locator('form input[name="name"]').fill('Merino socks');
    await row.locator('form input[name="name"]').press('Enter');
    await page.locator('#packing-list .check-item', { hasText: 'Merino socks' }).waitFor();
    const item = (await summary()).packing.items[0];
    equalJson([item.name, item.quantity, item.category, item.bag_name, item.checked], ['Merino socks', 3, 'Clothes', 'Carry-on', true], 'stored item');
  });

  await step('to-dos: one is added, checked and edited', async () => {
    const form = await panel('new-todo');
    await form.locator('input[name="name"]').fill('Buy Swiss Travel Pass');
    await form.locator('select[name="priority"]').selectOption('high');
    await form.locator('select[name="assigned_user_id"]').selectOption({ label: 'Alex' });
    await form.locator('button[type="submit"]').click();
    const row = page.locator('#todo-list .check-item', { hasText: 'Swiss Travel Pass' });
    await row.waitFor();
    await row.locator('input[type="checkbox"]').check();
    await page.locator('#todo-list .check-item.done').waitFor();
    await row.locator('button', { hasText: 'Edit' }).click();
    await row.locator('form input[name="due_date"]').fill('2031-06-20');
    await row.locator('form button[type="submit"]').click();
    await row.locator('.tag', { hasText: 'due' }).waitFor();
    const todo = (await summary()).todos.items[0];
    equalJson([todo.name, todo.priority, todo.assigned_user_name, todo.checked, todo.due_date], ['Buy Swiss Travel Pass', 'high', 'Alex', true, '2031-06-20'], 'stored to-do');
  });

  await step('collab notes: a pinned note is added, then unpinned', async () => {
    const form = await panel('new-collab');
    await form.locator('input[name="title"]').fill('Rainy-day plan');
    await form.locator('textarea[name="content"]').fill('Trümmelbach Falls are inside the mountain');
    await form.locator('input[name="pinned"]').check();
    await form.locator('button[type="submit"]').click();
    const card = page.locator('#collab-list .note-card', { hasText: 'Rainy-day plan' });
    await card.locator('.tag-pinned').waitFor();
    await card.locator('button', { hasText: 'Unpin' }).click();
    await card.locator('button[aria-label="Pin Rainy-day plan"]').waitFor();
    const note = (await summary()).collab_notes[0];
    equalJson([note.title, note.pinned], ['Rainy-day plan', false], 'stored note');
  });

  await step('changes made outside the browser appear within 2 s in every section, without a reload', async () => {
    const marker = await page.evaluate(() => {
      window.__noReload = crypto.randomUUID();
      return window.__noReload;
    });
    const { days } = await summary();
    const changes = [
      [() => ownerOp('create_todo', { trip_id: trip.id, name: 'Book the Schilthorn' }), '#todo-list', 'Schilthorn'],
      [() => ownerOp('create_packing_item', { trip_id: trip.id, name: 'Sunscreen' }), '#packing-list', 'Sunscreen'],
      [() => ownerOp('create_collab_note', { trip_id: trip.id, title: 'Cheese list', pinned: true }), '#collab-list', 'Cheese list'],
      [() => ownerOp('create_budget_item', { trip_id: trip.id, name: 'Cable car', total_price: '72.00', category: 'Transport' }), '#budget-list', 'Cable car'],
      [() => ownerOp('create_reservation', { trip_id: trip.id, title: 'Table at Bären', type: 'restaurant', day_id: days[1].id }), '#reservation-list', 'Bären'],
      [() => ownerOp('update_day', { trip_id: trip.id, day_id: days[2].id, title: 'Lauterbrunnen' }), '.days', 'Lauterbrunnen'],
      [() => ownerOp('create_companion', { name: 'Kim' }).then((c) => ownerOp('add_trip_member', { trip_id: trip.id, user_id: c.user_id })), '#member-list', 'Kim'],
    ];
    const times = [];
    for (const [change, list, text] of changes) {
      const started = Date.now();
      await change();
      await page.locator(list, { hasText: text }).waitFor({ timeout: LIVE_MS });
      times.push(Date.now() - started);
    }
    equalJson(await page.evaluate(() => window.__noReload), marker, 'the page was not reloaded');
    console.log(`     shown after ${times.join(', ')} ms`);
  });

  await step('trip page: axe finds no serious or critical violations; screenshots light and dark', async () => {
    const minor = await axe('trip page');
    assert(!/\bnull\b|undefined/.test(await page.locator('#view-trip').innerText()), 'no "null" or "undefined" shown on the trip page');
    equalJson(await page.locator('details[data-panel="new-reservation"] input[name="title"]').inputValue(), '', 'a new-item form is cleared after adding');
    await screens('trip');
    console.log(`     ${minor} minor/moderate axe findings`);
  });

  await step('dark mode renders: dark background, light text', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    const [bg, fg] = await page.evaluate(() => {
      const style = getComputedStyle(document.body);
      return [style.backgroundColor, style.color];
    });
    const lum = (c) => c.match(/\d+/g).slice(0, 3).map(Number).reduce((a, b) => a + b, 0) / 3;
    assert(lum(bg) < 60 && lum(fg) > 180, `dark colours: background ${bg}, text ${fg}`);
    await page.emulateMedia({ colorScheme: 'light' });
  });

  await step('settings: a password mismatch is refused beside its field; a password is set and works at /auth/login', async () => {
    await page.locator('#main-nav a[data-nav="settings"]').click();
    await page.locator('#password-state', { hasText: 'No password' }).waitFor();
    await page.locator('#settings-version').filter({ hasNotText: '…' }).waitFor();
    await page.locator('#pw-new').fill('a long enough password');
    await page.locator('#pw-repeat').fill('a long enough passwort');
    await page.locator('#password-submit').click();
    await page.locator('[data-error-for="repeat_password"]').waitFor();
    await page.locator('#pw-repeat').fill('a long enough password');
    await page.locator('#password-submit').click();
    await page.locator('#password-state', { hasText: 'A password is set' }).waitFor();
    assert(await page.locator('#pw-current-field').isVisible(), 'changing now asks for the current password');
    const login = await fetch(`${base}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ password: 'a long enough password' }), signal: AbortSignal.timeout(WAIT_MS) });
    equalJson(login.status, 204, 'password login');
  });

  await step('settings: back up now lists a new backup with the command that restores it', async () => {
    await page.locator('#backup-now').click();
    await page.locator('#backup-status', { hasText: 'Backed up to' }).waitFor();
    const row = page.locator('#backup-list .backup[data-kind="manual"]');
    await row.waitFor();
    await row.locator('summary').click();
    const command = await row.locator('.restore-command').textContent();
    const { backups } = await ownerGet('/api/backups');
    const manual = backups.filter((b) => b.kind === 'manual');
    equalJson(manual.length, 1, 'one manual backup stored');
    assert(command.includes('db restore') && command.includes(manual[0].path), `restore command: ${command}`);
    assert((await page.locator('#settings-data-dir').textContent()).length > 1, 'data folder shown');
  });

  await step('settings: restoring the backup brings back its data while Trek runs; the page reloads logged in', async () => {
    await ownerOp('create_trip', { title: 'Made after the backup' });
    const row = page.locator('#backup-list .backup[data-kind="manual"]');
    const button = row.locator('button.restore-now');
    await button.click();
    await button.filter({ hasText: 'Click again to restore' }).waitFor();
    const reloaded = page.waitForEvent('load', { timeout: WAIT_MS });
    await button.click();
    await page.locator('#backup-list', { hasText: 'Restored' }).waitFor().catch(() => {});
    await reloaded;
    await page.locator('#backup-list .backup[data-kind="pre-restore"]').waitFor();
    const { trips } = await ownerOp('list_trips', { include_archived: true });
    equalJson(trips.map((t) => t.title).sort(), ['Alps by train'], 'the trips of the backup');
  });

  await step('settings: export all data downloads the versioned document; importing it into this (non-empty) Trek is refused beside the file field', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#export-link').click()]);
    const path = `${outDir}export.json`;
    await download.saveAs(path);
    const doc = JSON.parse(readFileSync(path, 'utf8'));
    assert(doc.format === 'trek-export', `export format: ${doc.format}`);
    assert(JSON.stringify(doc).includes('Alps by train'), 'the export holds the trip');
    await page.locator('#import-form button[type="submit"]').click();
    await page.locator('#import-form [data-error-for="file"]', { hasText: 'choose' }).waitFor();
    await page.locator('#import-file').setInputFiles(path);
    watch.expectBadRequest();
    await page.locator('#import-form button[type="submit"]').click();
    const error = page.locator('#import-form [data-error-for="file"]');
    await error.filter({ hasNotText: 'choose' }).waitFor();
    equalJson((await ownerOp('list_trips', { include_archived: true })).trips.length, 1, 'nothing imported twice');
  });

  await step('settings: switching the Collab add-on off removes its operations and says so; on brings them back', async () => {
    const box = page.locator('#addon-collab');
    await box.waitFor();
    assert(await box.isChecked(), 'add-ons are on by default');
    const offered = async () => (await ownerGet('/api/ops')).map((o) => o.name);
    assert((await offered()).includes('vote_collab_poll'), 'collab polls offered while on');
    await box.uncheck();
    await page.locator('#addons-status', { hasText: 'Collab polls and chat is off.' }).waitFor();
    assert(!(await offered()).includes('vote_collab_poll'), 'collab polls gone while off');
    assert((await offered()).includes('list_collab_notes'), 'collab notes are core');
    equalJson((await ownerGet('/api/settings/addons')).find((a) => a.name === 'collab').enabled, false, 'stored off');
    await page.locator('#addon-collab').check();
    await page.locator('#addons-status', { hasText: 'Collab polls and chat is on.' }).waitFor();
    assert((await offered()).includes('vote_collab_poll'), 'collab polls back');
  });

  await step('settings, connections and trips list: axe finds no serious or critical violations; screenshots', async () => {
    await axe('settings');
    await screens('settings');
    await page.locator('#main-nav a[data-nav="connections"]').click();
    await page.locator('#connections').waitFor();
    await page.locator('#session-list .empty', { hasText: 'Loading' }).waitFor({ state: 'detached' }).catch(() => {});
    await axe('connections');
    await screens('connections');
    await page.locator('#main-nav a[data-nav="trips"]').click();
    await page.locator('#trip-list .trip-link', { hasText: 'Alps by train' }).waitFor();
    await axe('trips list');
    await screens('trips');
    console.log(`     screenshots in ${screensDir}`);
  });

  await step('the pages outside the app (login, expired link, share) show their text from the string table', async () => {
    const other = await context.newPage();
    other.setDefaultTimeout(WAIT_MS);
    const otherWatch = collectPageErrors(other, { origin: base });
    try {
      await other.goto(`${base}/login`);
      await other.getByLabel('Owner password').waitFor();
      await other.getByRole('button', { name: 'Log in' }).waitFor();
      equalJson(await other.title(), 'Log in · Trek', 'login page title');
      await other.goto(`${base}/auth/launch?ticket=not-a-ticket`);
      await other.getByRole('heading', { name: 'This login link no longer works' }).waitFor();
      const link = await ownerOp('create_share_link', { trip_id: trip.id });
      await other.goto(`${base}${link.path}`);
      await other.getByRole('heading', { name: 'Itinerary' }).waitFor();
      await other.getByText('Read-only').waitFor();
      equalJson(await other.evaluate(() => [...window.__trekMissingStrings]), [], 'missing i18n keys on the share page');
      // 400/401 are the expired launch link's own answer.
      assert(otherWatch.errors.every((e) => /\b40[01]\b/.test(e)), otherWatch.errors.join('\n'));
    } finally {
      await other.close();
    }
  });

  await step('no script errors, no unexpected HTTP errors, no missing strings', async () => {
    equalJson(watch.badRequestsLeft(), 0, 'every expected 400 happened');
    equalJson(await page.evaluate(() => [...window.__trekMissingStrings]), [], 'missing i18n keys');
    assert(pageErrors.length === 0, pageErrors.join('\n'));
  });
  console.log('PASS ui_sections: all steps passed');
} catch (error) {
  exitCode = 1;
  if (!(error instanceof Failure) && stepsStarted() === 0) console.log(`FAIL setup: ${error?.stack ?? error}`);
  if (pageErrors.length) console.log(`     page errors so far:\n     ${pageErrors.join('\n     ')}`);
  if (page) {
    const path = `${outDir}failure-sections.png`;
    await page.screenshot({ path, fullPage: true }).then(() => console.log(`     page at failure: ${path}`), () => {});
  }
  console.log('FAIL ui_sections');
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  clearTimeout(hardStop);
}
process.exit(exitCode);
