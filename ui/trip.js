// The trip page (#/trips/ID): a small shell. It shows the header (title, dates, currency,
// members; edit, delete) and the sections declared in `ui/sections/` — each a module saying
// which operations it needs (it is shown only when this Trek offers all of them) and how to
// render itself from the trip summary.
//
// Everything goes through `POST /api/ops/{name}`; the shell re-reads `get_trip_summary` (and
// what sections ask for in `load`) after each action and on live changes (debounced), keeping
// open editors' input and the focused control across re-renders.

import { ApiError, describeError, SignedOut } from './api.js';
import { h, confirmButton } from './dom.js';
import { op, availableOps, showFormError, clearFormErrors, formValues } from './ops.js';
import { formatRange } from './dates.js';
import { navigate } from './router.js';
import { subscribe, debounce } from './live.js';
import { setTitleBase } from './consents.js';
import { t, tn } from './public/i18n.js';
import { initials } from './sections/kit.js';
import itinerary from './sections/itinerary.js';
import bookings from './sections/bookings.js';
import budget from './sections/budget.js';
import packing from './sections/packing.js';
import todos from './sections/todos.js';
import members from './sections/members.js';
import map from './sections/map.js';
import places from './sections/places.js';
import notes from './sections/notes.js';

const root = () => document.getElementById('view-trip');

/** The sections in page order (`area`: `main` column or `side`). */
const SECTIONS = [itinerary, bookings, budget, packing, todos, members, map, places, notes];

const state = {
  tripId: null,
  summary: null,
  extra: {},
  categories: new Map(),
  /** The open inline editor's key (one at a time), e.g. 'trip', 'time-<assignment>'. */
  editing: null,
  sections: [],
  lastKey: null,
  seq: 0,
  deleted: false,
};

/** What sections get: the trip's data and the shell's actions. */
const ctx = {
  get tripId() { return state.tripId; },
  get summary() { return state.summary; },
  get extra() { return state.extra; },
  get categories() { return state.categories; },
  get editing() { return state.editing; },
  /** Keys of "new …" panels the owner opened (kept open across redraws). */
  openPanels: new Set(),
  op,
  setEditing,
  act,
  load: (options) => load(options),
};

let unsubscribe = null;
const refresh = debounce(() => load(), 150);

// ---------- lifecycle ----------

export async function show({ id }) {
  const el = root();
  el.hidden = false;
  if (state.tripId !== id) {
    state.tripId = id;
    state.summary = null;
    state.extra = {};
    state.lastKey = null;
    state.editing = null;
    state.deleted = false;
    ctx.openPanels.clear();
    el.replaceChildren(
      h('p', { class: 'crumbs' }, h('a', { href: '#/trips' }, t('trip.back'))),
      h('p', { id: 'trip-loading', class: 'card muted loading', role: 'status' }, t('trip.loading')),
      h('p', { id: 'trip-error', class: 'card error', role: 'alert', hidden: true }),
      h('header', { id: 'trip-head', class: 'card trip-head', hidden: true }),
      h('div', { id: 'trip-sections', class: 'trip-grid', hidden: true },
        h('div', { class: 'trip-main' }), h('div', { class: 'trip-side' })));
    setTitleBase(t('app.title'));
    try {
      const ops = await availableOps();
      if (state.tripId !== id) return;
      state.sections = SECTIONS.filter((s) => s.ops.every((name) => ops.has(name)));
      if (ops.has('list_categories') && state.categories.size === 0) {
        const { categories } = await op('list_categories');
        state.categories = new Map(categories.map((c) => [c.id, c]));
      }
    } catch (error) {
      if (error instanceof SignedOut) return;
      showLoadError(error);
      return;
    }
    if (state.tripId !== id) return;
    const main = el.querySelector('.trip-main');
    const side = el.querySelector('.trip-side');
    for (const section of state.sections) {
      const container = h('section', { id: `section-${section.id}`, class: 'card trip-section',
        'aria-labelledby': `section-${section.id}-title` },
      h('h2', { id: `section-${section.id}-title`, class: 'card-title' }, section.title()),
      h('div', { class: 'section-body' }));
      (section.area === 'side' ? side : main).append(container);
      section.mount?.(container.querySelector('.section-body'), ctx);
    }
  }
  unsubscribe ??= subscribe(onChange);
  await load({ focus: 'trip-title' });
}

export function hide() {
  root().hidden = true;
  for (const section of state.sections) section.unmount?.();
  // Built afresh next time (ids of deleted trips can come back for new ones).
  state.tripId = null;
  state.seq += 1;
  unsubscribe?.();
  unsubscribe = null;
  refresh.cancel();
  setTitleBase(t('app.title'));
}

function onChange(change) {
  if (change === null) {
    refresh();
    return;
  }
  // Companion profiles belong to no trip but feed the members section.
  if (change.entity === 'companion') {
    refresh();
    return;
  }
  if (change.trip_id !== state.tripId && !(change.entity === 'trip' && change.id === state.tripId)) return;
  if (change.entity === 'trip' && change.action === 'deleted') {
    showDeleted();
    return;
  }
  refresh();
}

function showLoadError(error) {
  document.getElementById('trip-loading').hidden = true;
  const el = document.getElementById('trip-error');
  el.textContent = error?.code === 'not_found' ? t('trip.notFound') : t('trip.cannotLoad', { message: describeError(error) });
  el.hidden = false;
}

function showDeleted() {
  state.deleted = true;
  document.getElementById('trip-head').hidden = true;
  document.getElementById('trip-sections').hidden = true;
  const el = document.getElementById('trip-error');
  el.replaceChildren(t('trip.deleted'), h('a', { href: '#/trips' }, t('trip.backToTrips')), '.');
  el.hidden = false;
  setTitleBase(t('app.title'));
}

/** Loads the summary (and sections' extras) and redraws when they changed; `focus` names a control. */
async function load({ focus } = {}) {
  if (state.deleted || state.tripId === null) return;
  const mine = ++state.seq;
  const id = state.tripId;
  let summary;
  const extra = {};
  try {
    const loaders = state.sections.filter((s) => s.load).map(async (s) => { extra[s.id] = await s.load(ctx, id); });
    [summary] = await Promise.all([op('get_trip_summary', { trip_id: id }), ...loaders]);
  } catch (error) {
    if (error instanceof SignedOut || mine !== state.seq) return;
    if (error?.code === 'not_found' && state.summary) showDeleted();
    else showLoadError(error);
    return;
  }
  if (mine !== state.seq || state.tripId !== id) return;
  document.getElementById('trip-loading').hidden = true;
  document.getElementById('trip-error').hidden = true;
  document.getElementById('trip-head').hidden = false;
  document.getElementById('trip-sections').hidden = false;
  state.summary = summary;
  state.extra = extra;
  const key = JSON.stringify([summary, extra]);
  if (key !== state.lastKey) {
    state.lastKey = key;
    redraw(focus);
  } else if (focus) {
    focusKey(focus);
  }
}

/** Redraws everything from `state`, keeping open editors' input and the focused control. */
function redraw(focus) {
  const el = root();
  const active = document.activeElement;
  const keep = focus ?? (el.contains(active) ? active?.dataset?.focus : null);
  const drafts = new Map();
  for (const form of el.querySelectorAll('form[data-editor]')) drafts.set(form.dataset.editor, formValuesRaw(form));
  setTitleBase(`${state.summary.trip.title} · ${t('app.title')}`);
  renderHead();
  for (const section of state.sections) {
    section.render(document.querySelector(`#section-${section.id} .section-body`), ctx);
  }
  for (const [editor, values] of drafts) {
    const form = el.querySelector(`form[data-editor="${CSS.escape(editor)}"]`);
    if (!form) continue;
    for (const [name, value] of Object.entries(values)) {
      const control = form.elements.namedItem(name);
      if (!control) continue;
      if (control.type === 'checkbox') control.checked = value;
      else if ('value' in control) control.value = value;
    }
  }
  if (keep) focusKey(keep);
}

function formValuesRaw(form) {
  const out = {};
  for (const control of form.elements) {
    if (control.name) out[control.name] = control.type === 'checkbox' ? control.checked : control.value;
  }
  return out;
}

/** Focuses the control named `key`; a disabled "up" (now first) falls back to "down" and back. */
function focusKey(key) {
  const find = (k) => root().querySelector(`[data-focus="${CSS.escape(k)}"]`);
  let target = find(key);
  if (target?.disabled) {
    const other = key.startsWith('up-') ? `down-${key.slice(3)}` : key.startsWith('down-') ? `up-${key.slice(5)}` : null;
    const alt = other ? find(other) : null;
    target = alt && !alt.disabled ? alt : find(`time-${key.split('-').pop()}`);
  }
  target?.focus({ preventScroll: key === 'trip-title' });
}

/** Opens/closes an inline editor and redraws, focusing `focus` (or the editor's first control). */
function setEditing(editor, focus) {
  state.editing = editor;
  redraw(focus ?? (editor ? `${editor}-first` : undefined));
}

/**
 * Runs an operation for a control: disables `button` meanwhile, shows an error in `errorEl`
 * (or beside the field of `form`), reloads and focuses `focus` on success. Returns success.
 */
async function act({ button, errorEl, form, focus, close = false }, action) {
  if (button) {
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
  }
  if (errorEl) errorEl.hidden = true;
  if (form) clearFormErrors(form);
  try {
    await action();
  } catch (error) {
    if (error instanceof SignedOut) return false;
    if (form) showFormError(form, error);
    else if (errorEl) {
      errorEl.textContent = describeError(error);
      errorEl.hidden = false;
    }
    if (button) {
      button.disabled = false;
      button.removeAttribute('aria-busy');
    }
    return false;
  }
  if (close) state.editing = null;
  await load({ focus });
  if (close) redraw(focus);
  if (button && button.isConnected) {
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
  return true;
}

// ---------- header ----------

function renderHead() {
  const { trip, members: people } = state.summary;
  const head = document.getElementById('trip-head');
  const errorEl = h('p', { class: 'error', role: 'alert', hidden: true });
  const meta = [formatRange(trip.start_date, trip.end_date)];
  if (trip.day_count) meta.push(tn('trips.days', trip.day_count));
  const actions = h('div', { class: 'trip-head-actions' },
    h('button', {
      type: 'button', class: 'secondary', 'data-focus': 'edit-trip', 'aria-expanded': String(state.editing === 'trip'),
      onclick: () => setEditing(state.editing === 'trip' ? null : 'trip', state.editing === 'trip' ? 'edit-trip' : undefined),
    }, t('common.edit')),
    trip.is_owner ? confirmButton(t('trip.delete'), t('trip.deleteArmed'), async () => {
      errorEl.hidden = true;
      try {
        await op('delete_trip', { trip_id: trip.id });
      } catch (error) {
        if (error instanceof SignedOut) return;
        errorEl.textContent = describeError(error);
        errorEl.hidden = false;
        return;
      }
      state.deleted = true;
      navigate('#/trips');
    }, { 'data-focus': 'delete-trip' }) : null);
  head.replaceChildren(
    h('div', { class: 'trip-head-main' },
      h('h1', { id: 'trip-title', tabindex: '-1', 'data-focus': 'trip-title' }, trip.title),
      h('p', { class: 'trip-meta' },
        h('span', {}, meta.join(' · ')),
        h('span', { class: 'tag', title: t('trip.currency') }, trip.currency),
        trip.archived ? h('span', { class: 'tag' }, t('trip.archived')) : null),
      trip.description ? h('p', { class: 'trip-desc' }, trip.description) : null,
      h('ul', { class: 'members', 'aria-label': t('trip.members') }, people.map((m) =>
        h('li', { class: 'member' }, h('span', { class: 'avatar', 'aria-hidden': 'true' }, initials(m.name)),
          m.name, m.role === 'owner' ? h('span', { class: 'muted small' }, t('trip.ownerSuffix')) : null)))),
    actions,
    errorEl,
    ...(state.editing === 'trip' ? [tripEditor(trip)] : []));
}

function field(label, control, cls = '') {
  return h('div', { class: `field ${cls}` }, h('label', { for: control.id }, label), control);
}

function tripEditor(trip) {
  const form = h('form', { class: 'grid-form trip-editor', novalidate: true, dataset: { editor: 'trip' } },
    field(t('trip.field.title'), h('input', { name: 'title', value: trip.title, maxlength: 200, 'data-focus': 'trip-first', id: 'edit-trip-title' }), 'span-all'),
    field(t('trip.field.start'), h('input', { name: 'start_date', type: 'date', value: trip.start_date ?? '', id: 'edit-trip-start' })),
    field(t('trip.field.end'), h('input', { name: 'end_date', type: 'date', value: trip.end_date ?? '', id: 'edit-trip-end' })),
    field(t('trip.field.currency'), h('input', { name: 'currency', value: trip.currency, maxlength: 3, class: 'short', id: 'edit-trip-currency' })),
    field(t('trip.field.description'), h('textarea', { name: 'description', rows: 2, id: 'edit-trip-desc', class: 'prose' }, trip.description ?? ''), 'span-all'),
    h('p', { class: 'muted small span-all hint' }, t('trip.hint.dates')),
    h('div', { class: 'span-all actions' },
      h('button', { type: 'submit' }, t('common.save')),
      h('button', { type: 'button', class: 'secondary', onclick: () => setEditing(null, 'edit-trip') }, t('common.cancel'))));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearFormErrors(form);
    const v = formValues(form);
    // Only what changed, so saving a title does not touch the days.
    const input = { trip_id: trip.id, title: v.title ?? '' };
    if ((v.description ?? null) !== (trip.description ?? null)) input.description = v.description ?? null;
    if (v.currency && v.currency.toUpperCase() !== trip.currency) input.currency = v.currency;
    const start = v.start_date ?? null;
    const end = v.end_date ?? null;
    if (start !== trip.start_date || end !== trip.end_date) {
      if (Boolean(start) !== Boolean(end)) {
        // The API would keep the stored date for an omitted one, or clear both for a null.
        const missing = start ? 'end_date' : 'start_date';
        showFormError(form, new ApiError(400, 'invalid', `${missing}: ${t('trip.bothDates')}`));
        return;
      }
      input.start_date = start;
      input.end_date = end;
    }
    act({ form, button: form.querySelector('[type="submit"]'), focus: 'edit-trip', close: true },
      () => op('update_trip', input));
  });
  form.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      setEditing(null, 'edit-trip');
    }
  });
  return form;
}
