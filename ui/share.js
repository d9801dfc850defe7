// The public share page: reads the token from the address, fetches /api/share/{token} and
// renders the sections it contains. Sections the owner did not share are absent from the JSON,
// so they are simply not drawn. Text only (h() never parses HTML); no writes.

import { h } from './dom.js';
import { formatDay, formatRange } from './dates.js';
import { t, localize } from './public/i18n.js';

const token = location.pathname.split('/').filter(Boolean).pop() ?? '';

function section(title, ...children) {
  return h('section', { class: 'card', 'aria-label': title }, h('h2', {}, title), ...children);
}

function times(start, end) {
  if (!start) return null;
  return h('span', { class: 'note-time' }, end ? `${start}–${end}` : start);
}

function renderDays(days) {
  if (days.length === 0) return h('p', { class: 'muted' }, t('share.noDays'));
  return h('ol', { class: 'days' }, days.map((day, i) =>
    h('li', { class: 'day' },
      h('header', { class: 'day-head' },
        h('h3', {}, day.title || t('share.day', { n: i + 1 })),
        day.date ? h('span', { class: 'muted small' }, formatDay(day.date)) : null),
      day.notes ? h('p', { class: 'day-notes-text' }, day.notes) : null,
      day.stops.length
        ? h('ol', { class: 'stops' }, day.stops.map((s) =>
          h('li', { class: 'stop' }, times(s.start_time, s.end_time),
            h('span', { class: 'stop-name' }, s.place_name),
            s.notes ? h('span', { class: 'muted small' }, s.notes) : null)))
        : h('p', { class: 'muted small' }, t('share.nothingPlanned')),
      day.day_notes.length
        ? h('ul', { class: 'notes' }, day.day_notes.map((n) =>
          h('li', { class: 'note' }, n.icon ? h('span', {}, n.icon) : null,
            n.time ? h('span', { class: 'note-time' }, n.time) : null,
            h('span', { class: 'note-text' }, n.text))))
        : null)));
}

function osmLink(p) {
  if (p.lat == null || p.lng == null) return null;
  const href = `https://www.openstreetmap.org/?mlat=${p.lat}&mlon=${p.lng}#map=16/${p.lat}/${p.lng}`;
  return h('a', { href, rel: 'noopener noreferrer', target: '_blank' }, `${p.lat.toFixed(5)}, ${p.lng.toFixed(5)}`);
}

function renderPlaces(places) {
  return section(t('share.places'), places.length === 0 ? h('p', { class: 'muted' }, t('share.noPlaces')) :
    h('ul', { class: 'place-list' }, places.map((p) =>
      h('li', { class: 'place' },
        h('span', { class: 'place-name' }, p.name),
        p.category ? h('span', { class: 'tag' }, p.category) : null,
        p.address ? h('span', { class: 'muted small' }, p.address) : null,
        osmLink(p)))));
}

function renderBookings(stays, reservations) {
  return section(t('share.bookings'),
    h('h3', {}, t('share.accommodations')),
    stays.length === 0 ? h('p', { class: 'muted' }, t('share.none')) :
      h('ul', { class: 'place-list' }, stays.map((a) =>
        h('li', { class: 'place' }, h('span', { class: 'place-name' }, a.place_name),
          h('span', { class: 'muted small' }, formatRange(a.start_date, a.end_date)),
          a.check_in ? h('span', { class: 'small' }, t('share.checkIn', { time: a.check_in })) : null,
          a.check_out ? h('span', { class: 'small' }, t('share.checkOut', { time: a.check_out })) : null))),
    h('h3', {}, t('share.reservations')),
    reservations.length === 0 ? h('p', { class: 'muted' }, t('share.none')) :
      h('ul', { class: 'place-list' }, reservations.map((r) =>
        h('li', { class: 'place' }, h('span', { class: 'tag' }, r.kind),
          h('span', { class: 'place-name' }, r.title),
          h('span', { class: 'muted small' }, [r.date ? formatDay(r.date) : null, r.time].filter(Boolean).join(' ')),
          r.location ? h('span', { class: 'small' }, r.location) : null,
          h('span', { class: 'tag' }, r.status),
          r.price ? h('span', { class: 'small' }, `${r.price} ${r.currency ?? ''}`) : null))));
}

function renderPacking(packing) {
  return section(t('share.packingTitle', { checked: packing.checked, total: packing.total }),
    packing.items.length === 0 ? h('p', { class: 'muted' }, t('share.nothingPacked')) :
      h('ul', { class: 'place-list' }, packing.items.map((i) =>
        h('li', { class: 'place' }, h('span', {}, i.checked ? '☑' : '☐'),
          h('span', { class: 'place-name' }, i.quantity > 1 ? `${i.name} ×${i.quantity}` : i.name),
          h('span', { class: 'tag' }, i.category),
          i.bag ? h('span', { class: 'muted small' }, i.bag) : null))));
}

function renderBudget(budget) {
  return section(t('share.budgetTitle', { total: budget.total, currency: budget.currency }),
    h('ul', { class: 'place-list' }, budget.by_category.map((c) =>
      h('li', { class: 'place' }, h('span', { class: 'place-name' }, c.category),
        h('span', {}, `${c.total} ${budget.currency}`)))),
    h('h3', {}, t('share.items')),
    h('ul', { class: 'place-list' }, budget.items.map((i) =>
      h('li', { class: 'place' }, h('span', { class: 'place-name' }, i.name),
        h('span', { class: 'tag' }, i.category), h('span', {}, `${i.total_price} ${i.currency}`),
        i.note ? h('span', { class: 'muted small' }, i.note) : null))));
}

function renderNotes(notes) {
  return section(t('share.notes'), notes.length === 0 ? h('p', { class: 'muted' }, t('share.noNotes')) :
    h('ul', { class: 'place-list' }, notes.map((n) =>
      h('li', { class: 'place' }, h('span', { class: 'place-name' }, `${n.pinned ? '📌 ' : ''}${n.title}`),
        n.author_name ? h('span', { class: 'muted small' }, n.author_name) : null,
        n.content ? h('p', { class: 'note-text' }, n.content) : null))));
}

function render(trip) {
  document.title = `${trip.title} · Trek`;
  const range = formatRange(trip.start_date, trip.end_date);
  return [
    h('header', { class: 'card trip-head' },
      h('div', {}, h('h1', {}, trip.title),
        range ? h('p', { class: 'trip-meta' }, range) : null,
        trip.description ? h('p', { class: 'trip-desc' }, trip.description) : null)),
    section(t('share.itinerary'), renderDays(trip.days)),
    trip.places ? renderPlaces(trip.places) : null,
    trip.reservations ? renderBookings(trip.accommodations ?? [], trip.reservations) : null,
    trip.packing ? renderPacking(trip.packing) : null,
    trip.budget ? renderBudget(trip.budget) : null,
    trip.collab_notes ? renderNotes(trip.collab_notes) : null,
  ].filter(Boolean);
}

async function main() {
  localize();
  const loading = document.getElementById('share-loading');
  const error = document.getElementById('share-error');
  try {
    const response = await fetch(`/api/share/${encodeURIComponent(token)}`, { credentials: 'omit' });
    const body = await response.json();
    if (!response.ok) throw new Error(body.message || t('share.broken'));
    const article = document.getElementById('share-trip');
    article.replaceChildren(...render(body));
    article.hidden = false;
  } catch (e) {
    error.textContent = e.message;
    error.hidden = false;
  } finally {
    loading.hidden = true;
  }
}

main();
