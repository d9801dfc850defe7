// The trips list (#/trips): upcoming first (the server's order), archived hidden unless asked
// for, and the form that creates a trip. Refreshes itself on live trip changes.

import { describeError, SignedOut } from './api.js';
import { h } from './dom.js';
import { op, showFormError, clearFormErrors, formValues } from './ops.js';
import { formatRange, isPast, daysUntil, formatUntil } from './dates.js';
import { navigate, tripHref } from './router.js';
import { subscribe, debounce } from './live.js';
import { t, tn } from './public/i18n.js';

const root = () => document.getElementById('view-trips');

let built = false;
let showArchived = false;
let unsubscribe = null;
let lastKey = null;
let seq = 0;
const refresh = debounce(() => load(), 150);

function build() {
  const list = h('ul', { id: 'trip-list', class: 'trip-list', 'aria-busy': 'true' },
    h('li', { class: 'empty muted loading' }, t('trips.loading')));
  const archived = h('input', { type: 'checkbox', id: 'show-archived' });
  archived.addEventListener('change', () => {
    showArchived = archived.checked;
    load();
  });
  const form = newTripForm();
  root().append(
    h('div', { class: 'card' },
      h('div', { class: 'view-head' },
        h('h1', { id: 'trips-title', tabindex: '-1' }, t('trips.title')),
        h('div', { class: 'check-row' }, archived, h('label', { for: 'show-archived' }, t('trips.showArchived')))),
      h('p', { id: 'trips-error', class: 'error', role: 'alert', hidden: true }),
      list),
    h('section', { class: 'card', 'aria-labelledby': 'new-trip-title' },
      h('h2', { id: 'new-trip-title', class: 'card-title' }, t('trips.new')),
      form));
  built = true;
}

function field(label, control, extra = {}) {
  return h('div', { class: `field ${extra.class ?? ''}` }, h('label', { for: control.id }, label), control);
}

function newTripForm() {
  const form = h('form', { id: 'new-trip', class: 'grid-form', novalidate: true },
    field(t('trips.field.title'), h('input', { id: 'trip-title-input', name: 'title', maxlength: 200, autocomplete: 'off',
      placeholder: t('trips.placeholder.title') }), { class: 'span-all' }),
    field(t('trips.field.start'), h('input', { id: 'trip-start', name: 'start_date', type: 'date' })),
    field(t('trips.field.end'), h('input', { id: 'trip-end', name: 'end_date', type: 'date' })),
    field(t('trips.field.currency'), h('input', { id: 'trip-currency', name: 'currency', value: 'EUR', maxlength: 3,
      autocomplete: 'off', spellcheck: 'false', class: 'short' })),
    h('p', { class: 'muted small span-all hint' },
      t('trips.hint.dates')),
    h('p', { class: 'form-error error span-all', role: 'alert', hidden: true }),
    h('div', { class: 'span-all' }, h('button', { type: 'submit' }, t('trips.create'))));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFormErrors(form);
    const submit = form.querySelector('button[type="submit"]');
    const values = formValues(form);
    const input = { title: values.title ?? '' };
    for (const key of ['start_date', 'end_date', 'currency']) if (values[key]) input[key] = values[key];
    submit.disabled = true;
    submit.textContent = t('trips.creating');
    try {
      const trip = await op('create_trip', input);
      form.reset();
      navigate(tripHref(trip.id));
    } catch (error) {
      if (!(error instanceof SignedOut)) showFormError(form, error);
    } finally {
      submit.disabled = false;
      submit.textContent = t('trips.create');
    }
  });
  return form;
}

function tripRow(trip) {
  const meta = [formatRange(trip.start_date, trip.end_date)];
  if (trip.day_count) meta.push(tn('trips.days', trip.day_count));
  meta.push(tn('trips.people', trip.member_count));
  const until = daysUntil(trip.start_date);
  let when = null;
  if (trip.archived) when = h('span', { class: 'tag' }, t('trips.tag.archived'));
  else if (isPast(trip.end_date)) when = h('span', { class: 'tag' }, t('trips.tag.past'));
  else if (until !== null && until > 0) when = h('span', { class: 'tag tag-soon' }, formatUntil(until));
  else if (until !== null) when = h('span', { class: 'tag tag-now' }, t('trips.tag.underway'));
  return h('li', { class: `trip-item${trip.archived ? ' archived' : ''}` },
    h('a', { class: 'trip-link', href: tripHref(trip.id), dataset: { tripId: trip.id } },
      h('span', { class: 'trip-name' }, trip.title),
      h('span', { class: 'trip-meta muted small' }, meta.join(' · ')),
      h('span', { class: 'trip-tags' }, when, h('span', { class: 'tag' }, trip.currency),
        trip.is_owner ? null : h('span', { class: 'tag' }, t('trips.tag.shared')))));
}

async function load() {
  const mine = ++seq;
  const list = document.getElementById('trip-list');
  const errorEl = document.getElementById('trips-error');
  try {
    const { trips } = await op('list_trips', { include_archived: showArchived });
    if (mine !== seq) return;
    errorEl.hidden = true;
    list.removeAttribute('aria-busy');
    const key = JSON.stringify([showArchived, trips]);
    if (key === lastKey) return;
    lastKey = key;
    if (trips.length === 0) {
      list.replaceChildren(h('li', { class: 'empty' },
        h('strong', {}, showArchived ? t('trips.emptyAll') : t('trips.emptyUpcoming')),
        h('span', { class: 'muted' }, t('trips.emptyHint'),
          h('a', { href: '#/connections' }, t('trips.emptyConnect')), t('trips.emptyEnd'))));
    } else {
      list.replaceChildren(...trips.map(tripRow));
    }
  } catch (error) {
    if (error instanceof SignedOut || mine !== seq) return;
    errorEl.textContent = t('trips.cannotLoad', { message: describeError(error) });
    errorEl.hidden = false;
  }
}

export function show() {
  if (!built) build();
  else {
    // What the list showed when it was left may be stale (a trip deleted meanwhile).
    const list = document.getElementById('trip-list');
    list.setAttribute('aria-busy', 'true');
    list.replaceChildren(h('li', { class: 'empty muted loading' }, t('trips.loading')));
  }
  root().hidden = false;
  unsubscribe ??= subscribe((change) => {
    // Counts (days, members) change with more than trips; a list reload is cheap.
    if (change === null || ['trip', 'day', 'member', 'trip_member'].includes(change.entity)) refresh();
  });
  lastKey = null;
  load();
  document.getElementById('trips-title').focus({ preventScroll: true });
}

export function hide() {
  root().hidden = true;
  unsubscribe?.();
  unsubscribe = null;
  refresh.cancel();
}
