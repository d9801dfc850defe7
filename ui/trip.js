// The trip page (#/trips/ID): header (title, dates, currency, members; edit, delete), then the
// trip's sections. Each section is listed in SECTIONS with the operations it needs and is shown
// only when this Trek offers all of them (`GET /api/ops`), so sections for budget, packing,
// reservations or to-dos can be added here as their operations land.
//
// Everything goes through `POST /api/ops/{name}`; the page re-reads `get_trip_summary` after
// each action and on live changes of this trip (debounced), keeping open editors' input and
// the focused control across re-renders.

import { ApiError, describeError, SignedOut } from './api.js';
import { h, confirmButton } from './dom.js';
import { op, availableOps, showFormError, clearFormErrors, formValues } from './ops.js';
import { formatRange, formatDay } from './dates.js';
import { navigate } from './router.js';
import { subscribe, debounce } from './live.js';
import { setTitleBase } from './consents.js';

const root = () => document.getElementById('view-trip');

/**
 * The trip page's sections, in page order. `ops`: every operation the section needs (it is
 * hidden unless all exist). `area`: `main` (wide column) or `side`. `mount(el)` builds what
 * survives reloads (forms); `render(el)` redraws from `state.summary`.
 */
const SECTIONS = [
  {
    id: 'itinerary', title: 'Itinerary', area: 'main',
    ops: ['get_trip_summary', 'assign_place_to_day', 'unassign_place', 'reorder_day_assignments',
      'move_assignment', 'update_assignment_time', 'create_day_note', 'update_day_note', 'delete_day_note'],
    mount: () => {},
    render: renderItinerary,
  },
  {
    id: 'places', title: 'Places', area: 'side',
    ops: ['create_place', 'list_categories', 'delete_place'],
    mount: mountPlaces,
    render: renderPlaces,
  },
];

const state = {
  tripId: null,
  summary: null,
  categories: new Map(),
  /** The open inline editor: 'trip', 'time-<assignment>', 'move-<assignment>', 'note-<id>', 'newnote-<day>', 'plan-<place>'. */
  editing: null,
  sections: [],
  lastKey: null,
  seq: 0,
  deleted: false,
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
    state.lastKey = null;
    state.editing = null;
    state.deleted = false;
    el.replaceChildren(
      h('p', { class: 'crumbs' }, h('a', { href: '#/trips' }, '\u2190 All trips')),
      h('p', { id: 'trip-loading', class: 'card muted', role: 'status' }, 'Loading trip…'),
      h('p', { id: 'trip-error', class: 'card error', role: 'alert', hidden: true }),
      h('header', { id: 'trip-head', class: 'card trip-head', hidden: true }),
      h('div', { id: 'trip-sections', class: 'trip-grid', hidden: true },
        h('div', { class: 'trip-main' }), h('div', { class: 'trip-side' })));
    setTitleBase('Trek');
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
      h('h2', { id: `section-${section.id}-title`, class: 'card-title' }, section.title),
      h('div', { class: 'section-body' }));
      (section.area === 'side' ? side : main).append(container);
      section.mount(container);
    }
  }
  unsubscribe ??= subscribe(onChange);
  await load({ focus: 'trip-title' });
}

export function hide() {
  root().hidden = true;
  // Built afresh next time (ids of deleted trips can come back for new ones).
  state.tripId = null;
  state.seq += 1;
  unsubscribe?.();
  unsubscribe = null;
  refresh.cancel();
  setTitleBase('Trek');
}

function onChange(change) {
  if (change === null) {
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
  el.textContent = error?.code === 'not_found'
    ? 'This trip does not exist (any more), or it is not shared with you.'
    : `Cannot load this trip: ${describeError(error)}`;
  el.hidden = false;
}

function showDeleted() {
  state.deleted = true;
  document.getElementById('trip-head').hidden = true;
  document.getElementById('trip-sections').hidden = true;
  const el = document.getElementById('trip-error');
  el.replaceChildren('This trip was deleted. ', h('a', { href: '#/trips' }, 'Back to your trips'), '.');
  el.hidden = false;
  setTitleBase('Trek');
}

/** Loads the summary and redraws when it changed; `focus` names a control to focus after. */
async function load({ focus } = {}) {
  if (state.deleted || state.tripId === null) return;
  const mine = ++state.seq;
  const id = state.tripId;
  let summary;
  try {
    summary = await op('get_trip_summary', { trip_id: id });
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
  const key = JSON.stringify(summary);
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
  for (const form of el.querySelectorAll('form[data-editor]')) {
    drafts.set(form.dataset.editor, formValuesRaw(form));
  }
  setTitleBase(`${state.summary.trip.title} · Trek`);
  renderHead();
  for (const section of state.sections) {
    section.render(document.getElementById(`section-${section.id}`));
  }
  for (const [editor, values] of drafts) {
    const form = el.querySelector(`form[data-editor="${CSS.escape(editor)}"]`);
    if (!form) continue;
    for (const [name, value] of Object.entries(values)) {
      const control = form.elements.namedItem(name);
      if (control && 'value' in control) control.value = value;
    }
  }
  if (keep) focusKey(keep);
}

function formValuesRaw(form) {
  const out = {};
  for (const control of form.elements) if (control.name) out[control.name] = control.value;
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
 * (or beside the field of `form`), reloads and focuses `focus` on success.
 */
async function act({ button, errorEl, form, focus, close = false }, action) {
  if (button) button.disabled = true;
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
    if (button) button.disabled = false;
    return false;
  }
  if (close) state.editing = null;
  await load({ focus });
  if (close) redraw(focus);
  if (button && button.isConnected) button.disabled = false;
  return true;
}

// ---------- header ----------

function renderHead() {
  const { trip, members } = state.summary;
  const head = document.getElementById('trip-head');
  const errorEl = h('p', { class: 'error', role: 'alert', hidden: true });
  const meta = [formatRange(trip.start_date, trip.end_date)];
  if (trip.day_count) meta.push(`${trip.day_count} ${trip.day_count === 1 ? 'day' : 'days'}`);
  const actions = h('div', { class: 'trip-head-actions' },
    h('button', {
      type: 'button', class: 'secondary', 'data-focus': 'edit-trip', 'aria-expanded': String(state.editing === 'trip'),
      onclick: () => setEditing(state.editing === 'trip' ? null : 'trip', state.editing === 'trip' ? 'edit-trip' : undefined),
    }, 'Edit'),
    trip.is_owner ? confirmButton('Delete trip', 'Click again to delete', async () => {
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
        h('span', { class: 'tag', title: 'Currency' }, trip.currency),
        trip.archived ? h('span', { class: 'tag' }, 'archived') : null),
      trip.description ? h('p', { class: 'trip-desc' }, trip.description) : null,
      h('ul', { class: 'members', 'aria-label': 'Members' }, members.map((m) =>
        h('li', { class: 'member' }, h('span', { class: 'avatar', 'aria-hidden': 'true' }, initials(m.name)),
          m.name, m.role === 'owner' ? h('span', { class: 'muted small' }, ' (owner)') : null)))),
    actions,
    errorEl,
    ...(state.editing === 'trip' ? [tripEditor(trip)] : []));
}

function initials(name) {
  return name.split(/\s+/).filter(Boolean).slice(0, 2).map((p) => p[0].toUpperCase()).join('') || '?';
}

function tripEditor(trip) {
  const form = h('form', { class: 'grid-form trip-editor', novalidate: true, dataset: { editor: 'trip' } },
    field('Title', h('input', { name: 'title', value: trip.title, maxlength: 200, 'data-focus': 'trip-first', id: 'edit-trip-title' }), 'span-all'),
    field('First day', h('input', { name: 'start_date', type: 'date', value: trip.start_date ?? '', id: 'edit-trip-start' })),
    field('Last day', h('input', { name: 'end_date', type: 'date', value: trip.end_date ?? '', id: 'edit-trip-end' })),
    field('Currency', h('input', { name: 'currency', value: trip.currency, maxlength: 3, class: 'short', id: 'edit-trip-currency' })),
    field('Description', h('textarea', { name: 'description', rows: 2, id: 'edit-trip-desc', class: 'prose' }, trip.description ?? ''), 'span-all'),
    h('p', { class: 'muted small span-all hint' },
      'Changing the dates removes the days outside the new range, with what is planned on them.'),
    h('div', { class: 'span-all actions' },
      h('button', { type: 'submit' }, 'Save'),
      h('button', { type: 'button', class: 'secondary', onclick: () => setEditing(null, 'edit-trip') }, 'Cancel')));
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
        showFormError(form, new ApiError(400, 'invalid', `${missing}: give both dates, or clear both to remove them`));
        return;
      }
      input.start_date = start;
      input.end_date = end;
    }
    act({ form, button: form.querySelector('[type="submit"]'), focus: 'edit-trip', close: true },
      () => op('update_trip', input));
  });
  escapeCloses(form, 'edit-trip');
  return form;
}

function field(label, control, cls = '') {
  return h('div', { class: `field ${cls}` }, h('label', { for: control.id }, label), control);
}

function escapeCloses(form, focus) {
  form.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      setEditing(null, focus);
    }
  });
}

// ---------- itinerary ----------

const DRAG_ASSIGNMENT = 'application/x-trek-assignment';
const DRAG_PLACE = 'application/x-trek-place';

function placeById(id) {
  return state.summary.places.find((p) => p.id === id);
}

function categoryOf(placeId) {
  const place = placeById(placeId);
  return place?.category_id ? state.categories.get(place.category_id) : null;
}

function catIcon(category) {
  const el = h('span', { class: 'cat-icon', 'aria-hidden': 'true', title: category?.name ?? 'No category' },
    category?.icon ?? '\u{1F4CD}');
  // CSSOM, not a style attribute: allowed by the page's CSP.
  if (category?.color) el.style.setProperty('--cat', category.color);
  return el;
}

function dayLabel(day, index) {
  return day.title ? `Day ${index + 1} · ${day.title}` : `Day ${index + 1}`;
}

function renderItinerary(section) {
  const body = section.querySelector('.section-body');
  const { days } = state.summary;
  if (days.length === 0) {
    body.replaceChildren(h('p', { class: 'empty-state' },
      h('strong', {}, 'No days yet. '),
      h('span', { class: 'muted' }, 'Give the trip dates (Edit, above) and Trek adds one day per date.')));
    return;
  }
  body.replaceChildren(h('ol', { class: 'days' }, days.map((day, i) => renderDay(day, i))));
}

function renderDay(day, index) {
  const errorEl = h('p', { class: 'error day-error', role: 'alert', hidden: true });
  const list = h('ol', { class: 'stops', dataset: { dayId: day.id }, 'aria-label': `Places on day ${index + 1}` },
    day.assignments.length === 0
      ? h('li', { class: 'stops-empty muted small' }, 'Nothing planned yet — add a place below or drag one here.')
      : day.assignments.map((a, i) => renderStop(day, a, i, errorEl)));
  wireDrop(list, day, errorEl);
  const notes = day.day_notes.length || state.editing === `newnote-${day.id}`
    ? h('ul', { class: 'notes', 'aria-label': `Notes on day ${index + 1}` },
      day.day_notes.map((n) => renderNote(day, n)),
      state.editing === `newnote-${day.id}` ? h('li', {}, noteEditor(day, null)) : null)
    : null;
  return h('li', { class: 'day', dataset: { dayId: day.id }, 'aria-labelledby': `day-${day.id}-title` },
    h('header', { class: 'day-head' },
      h('h3', { id: `day-${day.id}-title` }, dayLabel(day, index)),
      day.date ? h('span', { class: 'day-date muted' }, formatDay(day.date)) : null,
      day.assignments.length ? h('span', { class: 'day-count muted small' },
        day.assignments.length === 1 ? '1 place' : `${day.assignments.length} places`) : null),
    day.notes ? h('p', { class: 'day-notes-text muted small' }, day.notes) : null,
    list,
    notes,
    errorEl,
    dayActions(day, index, errorEl));
}

function renderStop(day, a, i, dayError) {
  const name = a.place_name;
  const days = state.summary.days;
  const count = day.assignments.length;
  const errorEl = h('p', { class: 'error', role: 'alert', hidden: true });
  const time = a.start_time ? (a.end_time ? `${a.start_time}–${a.end_time}` : a.start_time)
    : a.end_time ? `until ${a.end_time}` : 'Add time';
  const order = day.assignments.map((x) => x.id);
  const moveWithin = (delta, button) => {
    const next = [...order];
    next.splice(i, 1);
    next.splice(i + delta, 0, a.id);
    act({ button, errorEl, focus: `${delta < 0 ? 'up' : 'down'}-${a.id}` },
      () => op('reorder_day_assignments', { trip_id: state.tripId, day_id: day.id, assignment_ids: next }));
  };
  const li = h('li', { class: 'stop', draggable: 'true', dataset: { assignmentId: a.id, placeId: a.place_id } },
    h('span', { class: 'grip', 'aria-hidden': 'true', title: 'Drag to reorder or move to another day' }, '\u2807'),
    h('button', {
      type: 'button', class: `time-btn${a.start_time || a.end_time ? '' : ' unset'}`, 'data-focus': `time-${a.id}`,
      'aria-label': a.start_time || a.end_time ? `Time of ${name}: ${time}. Change` : `Set a time for ${name}`,
      'aria-expanded': String(state.editing === `time-${a.id}`),
      onclick: () => setEditing(state.editing === `time-${a.id}` ? null : `time-${a.id}`,
        state.editing === `time-${a.id}` ? `time-${a.id}` : undefined),
    }, time),
    h('span', { class: 'stop-name' }, catIcon(categoryOf(a.place_id)), h('span', { class: 'stop-label' }, name)),
    h('span', { class: 'stop-actions' },
      h('button', { type: 'button', class: 'icon-btn', 'data-focus': `up-${a.id}`, 'aria-label': `Move ${name} up`,
        title: 'Move up', disabled: i === 0, onclick: (e) => moveWithin(-1, e.currentTarget) }, '\u2191'),
      h('button', { type: 'button', class: 'icon-btn', 'data-focus': `down-${a.id}`, 'aria-label': `Move ${name} down`,
        title: 'Move down', disabled: i === count - 1, onclick: (e) => moveWithin(1, e.currentTarget) }, '\u2193'),
      days.length > 1 ? h('button', {
        type: 'button', class: 'icon-btn', 'data-focus': `move-${a.id}`, 'aria-label': `Move ${name} to another day`,
        title: 'Move to another day', 'aria-expanded': String(state.editing === `move-${a.id}`),
        onclick: () => setEditing(state.editing === `move-${a.id}` ? null : `move-${a.id}`,
          state.editing === `move-${a.id}` ? `move-${a.id}` : undefined),
      }, '\u21C4') : null,
      h('button', { type: 'button', class: 'icon-btn danger', 'data-focus': `unassign-${a.id}`,
        'aria-label': `Take ${name} off this day`, title: 'Take off this day',
        onclick: (e) => act({ button: e.currentTarget, errorEl, focus: neighbourFocus(day, i) },
          () => op('unassign_place', { trip_id: state.tripId, day_id: day.id, assignment_id: a.id })) }, '\u2715')),
    state.editing === `time-${a.id}` ? timeEditor(a) : null,
    state.editing === `move-${a.id}` ? moveEditor(day, a) : null,
    errorEl);
  li.addEventListener('dragstart', (event) => {
    event.dataTransfer.setData(DRAG_ASSIGNMENT, String(a.id));
    event.dataTransfer.setData('text/plain', name);
    event.dataTransfer.effectAllowed = 'move';
    li.classList.add('dragging');
  });
  li.addEventListener('dragend', () => li.classList.remove('dragging'));
  void dayError;
  return li;
}

/** After removing stop `i` of `day`, focus lands on the next one's time (or the day's add control). */
function neighbourFocus(day, i) {
  const next = day.assignments[i + 1] ?? day.assignments[i - 1];
  return next ? `time-${next.id}` : `add-${day.id}`;
}

function timeEditor(a) {
  const form = h('form', { class: 'mini-form', novalidate: true, dataset: { editor: `time-${a.id}` },
    'aria-label': `Time of ${a.place_name}` },
  h('div', { class: 'field' }, h('label', { for: `start-${a.id}` }, 'From'),
    h('input', { id: `start-${a.id}`, name: 'start_time', value: a.start_time ?? '', placeholder: 'HH:MM',
      maxlength: 5, inputmode: 'numeric', autocomplete: 'off', class: 'time-input', 'data-focus': `time-${a.id}-first` })),
  h('div', { class: 'field' }, h('label', { for: `end-${a.id}` }, 'To'),
    h('input', { id: `end-${a.id}`, name: 'end_time', value: a.end_time ?? '', placeholder: 'HH:MM',
      maxlength: 5, inputmode: 'numeric', autocomplete: 'off', class: 'time-input' })),
  h('button', { type: 'submit', class: 'small' }, 'Save time'),
  h('button', { type: 'button', class: 'secondary small', onclick: () => setEditing(null, `time-${a.id}`) }, 'Cancel'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const v = formValues(form);
    act({ form, button: form.querySelector('[type="submit"]'), focus: `time-${a.id}`, close: true },
      () => op('update_assignment_time', { trip_id: state.tripId, assignment_id: a.id,
        start_time: v.start_time ?? null, end_time: v.end_time ?? null }));
  });
  escapeCloses(form, `time-${a.id}`);
  return form;
}

function moveEditor(day, a) {
  const days = state.summary.days;
  const select = h('select', { name: 'new_day_id', id: `move-day-${a.id}`, 'data-focus': `move-${a.id}-first`, class: 'auto' },
    days.filter((d) => d.id !== day.id).map((d) =>
      h('option', { value: d.id }, `${dayLabel(d, days.indexOf(d))}${d.date ? ` — ${formatDay(d.date)}` : ''}`)));
  const form = h('form', { class: 'mini-form', novalidate: true, dataset: { editor: `move-${a.id}` } },
    h('div', { class: 'field' }, h('label', { for: select.id }, `Move ${a.place_name} to`), select),
    h('button', { type: 'submit', class: 'small' }, 'Move'),
    h('button', { type: 'button', class: 'secondary small', onclick: () => setEditing(null, `move-${a.id}`) }, 'Cancel'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    act({ form, button: form.querySelector('[type="submit"]'), focus: `time-${a.id}`, close: true },
      () => op('move_assignment', { trip_id: state.tripId, assignment_id: a.id, new_day_id: Number(select.value) }));
  });
  escapeCloses(form, `move-${a.id}`);
  return form;
}

/** Drop target for stops (reorder/move) and places (assign), inserting before the hovered stop. */
function wireDrop(list, day, errorEl) {
  const indexAt = (event) => {
    const stops = [...list.querySelectorAll(':scope > .stop')];
    for (let i = 0; i < stops.length; i += 1) {
      const box = stops[i].getBoundingClientRect();
      if (event.clientY < box.top + box.height / 2) return i;
    }
    return stops.length;
  };
  const mark = (index) => {
    const stops = [...list.querySelectorAll(':scope > .stop')];
    stops.forEach((s, i) => s.classList.toggle('drop-before', i === index));
    list.classList.toggle('drop-end', index === stops.length);
  };
  const clear = () => {
    list.classList.remove('drop-target', 'drop-end');
    for (const s of list.querySelectorAll('.drop-before')) s.classList.remove('drop-before');
  };
  list.addEventListener('dragover', (event) => {
    const types = event.dataTransfer.types;
    if (!types.includes(DRAG_ASSIGNMENT) && !types.includes(DRAG_PLACE)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = types.includes(DRAG_PLACE) ? 'copy' : 'move';
    list.classList.add('drop-target');
    mark(indexAt(event));
  });
  list.addEventListener('dragleave', (event) => {
    if (!list.contains(event.relatedTarget)) clear();
  });
  list.addEventListener('drop', (event) => {
    event.preventDefault();
    const index = indexAt(event);
    clear();
    const assignmentId = Number(event.dataTransfer.getData(DRAG_ASSIGNMENT));
    const placeId = Number(event.dataTransfer.getData(DRAG_PLACE));
    if (assignmentId) {
      const order = day.assignments.map((a) => a.id);
      const from = order.indexOf(assignmentId);
      if (from >= 0) {
        const next = order.filter((id) => id !== assignmentId);
        next.splice(index > from ? index - 1 : index, 0, assignmentId);
        if (next.join() === order.join()) return;
        act({ errorEl, focus: `time-${assignmentId}` }, () =>
          op('reorder_day_assignments', { trip_id: state.tripId, day_id: day.id, assignment_ids: next }));
      } else {
        act({ errorEl, focus: `time-${assignmentId}` }, () =>
          op('move_assignment', { trip_id: state.tripId, assignment_id: assignmentId, new_day_id: day.id, position: index }));
      }
    } else if (placeId) {
      act({ errorEl, focus: `add-${day.id}` }, () =>
        op('assign_place_to_day', { trip_id: state.tripId, day_id: day.id, place_id: placeId, position: index }));
    }
  });
}

function renderNote(day, note) {
  if (state.editing === `note-${note.id}`) return h('li', { class: 'note editing' }, noteEditor(day, note));
  const errorEl = h('p', { class: 'error', role: 'alert', hidden: true });
  return h('li', { class: 'note', dataset: { noteId: note.id } },
    h('span', { class: 'note-icon', 'aria-hidden': 'true' }, note.icon ?? '\u{1F4DD}'),
    note.time ? h('span', { class: 'note-time' }, note.time) : null,
    h('span', { class: 'note-text' }, note.text),
    h('span', { class: 'note-actions' },
      h('button', { type: 'button', class: 'link-btn', 'data-focus': `note-${note.id}`,
        'aria-label': `Edit note “${note.text}”`, onclick: () => setEditing(`note-${note.id}`) }, 'Edit'),
      confirmButton('Delete', 'Really delete?', () => act({ errorEl, focus: `addnote-${day.id}` },
        () => op('delete_day_note', { trip_id: state.tripId, day_id: day.id, note_id: note.id })),
      { class: 'link-btn danger', 'aria-label': `Delete note “${note.text}”`, 'data-focus': `delnote-${note.id}` })),
    errorEl);
}

function noteEditor(day, note) {
  const key = note ? `note-${note.id}` : `newnote-${day.id}`;
  const done = note ? `note-${note.id}` : `addnote-${day.id}`;
  const form = h('form', { class: 'mini-form note-form', novalidate: true, dataset: { editor: key } },
    h('div', { class: 'field' }, h('label', { for: `${key}-icon` }, 'Icon'),
      h('input', { id: `${key}-icon`, name: 'icon', value: note?.icon ?? '', maxlength: 8, class: 'icon-input',
        placeholder: '\u{1F4DD}', autocomplete: 'off' })),
    h('div', { class: 'field' }, h('label', { for: `${key}-time` }, 'When'),
      h('input', { id: `${key}-time`, name: 'time', value: note?.time ?? '', maxlength: 50, class: 'time-input',
        placeholder: '09:00', autocomplete: 'off' })),
    h('div', { class: 'field grow' }, h('label', { for: `${key}-text` }, 'Note'),
      h('input', { id: `${key}-text`, name: 'text', value: note?.text ?? '', maxlength: 2000, autocomplete: 'off',
        'data-focus': `${key}-first`, placeholder: 'Leave early to beat the crowds' })),
    h('button', { type: 'submit', class: 'small' }, note ? 'Save note' : 'Add note'),
    h('button', { type: 'button', class: 'secondary small', onclick: () => setEditing(null, done) }, 'Cancel'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const v = formValues(form);
    const input = { trip_id: state.tripId, day_id: day.id, text: v.text ?? '', time: v.time ?? null, icon: v.icon ?? null };
    if (note) input.note_id = note.id;
    act({ form, button: form.querySelector('[type="submit"]'), focus: done, close: true },
      () => op(note ? 'update_day_note' : 'create_day_note', input));
  });
  escapeCloses(form, done);
  return form;
}

function dayActions(day, index, errorEl) {
  const places = state.summary.places;
  const planned = new Set(day.assignments.map((a) => a.place_id));
  const select = h('select', { id: `add-select-${day.id}`, class: 'auto', 'data-focus': `add-${day.id}`,
    'aria-label': `Place to add to day ${index + 1}`, disabled: places.length === 0 },
  places.length === 0 ? h('option', { value: '' }, 'No places yet — create one') : null,
  grouped(places.filter((p) => p.unassigned), 'Not planned yet'),
  grouped(places.filter((p) => !p.unassigned && !planned.has(p.id)), 'Planned on other days'),
  grouped(places.filter((p) => planned.has(p.id)), 'Already on this day'));
  const add = h('form', { class: 'add-stop', dataset: { dayId: day.id } }, select,
    h('button', { type: 'submit', class: 'small', disabled: places.length === 0 }, 'Add to day'));
  add.addEventListener('submit', (event) => {
    event.preventDefault();
    const placeId = Number(select.value);
    if (!placeId) return;
    act({ errorEl, button: add.querySelector('button'), focus: `add-${day.id}` },
      () => op('assign_place_to_day', { trip_id: state.tripId, day_id: day.id, place_id: placeId }));
  });
  return h('div', { class: 'day-actions' }, add,
    state.editing === `newnote-${day.id}` ? null
      : h('button', { type: 'button', class: 'secondary small', 'data-focus': `addnote-${day.id}`,
        onclick: () => setEditing(`newnote-${day.id}`) }, '+ Note'));
}

function grouped(places, label) {
  if (places.length === 0) return null;
  return h('optgroup', { label }, places.map((p) => h('option', { value: p.id }, p.name)));
}

// ---------- places ----------

function mountPlaces(section) {
  const body = section.querySelector('.section-body');
  body.append(h('p', { id: 'place-summary', class: 'muted small' }),
    h('ul', { id: 'place-list', class: 'place-list' }),
    newPlacePanel());
}

function renderPlaces() {
  const { places, days } = state.summary;
  const unplanned = places.filter((p) => p.unassigned).length;
  document.getElementById('place-summary').textContent = places.length === 0 ? ''
    : `${places.length} ${places.length === 1 ? 'place' : 'places'}${unplanned ? ` · ${unplanned} not planned yet` : ' · all planned'}`;
  const list = document.getElementById('place-list');
  if (places.length === 0) {
    list.replaceChildren(h('li', { class: 'empty-state' }, h('strong', {}, 'No places yet. '),
      h('span', { class: 'muted' }, 'Add the first one below, or ask your assistant to find some.')));
    return;
  }
  // Unplanned first: they are what is left to do.
  const sorted = [...places.filter((p) => p.unassigned), ...places.filter((p) => !p.unassigned)];
  list.replaceChildren(...sorted.map((p) => renderPlace(p, days)));
}

function renderPlace(p, days) {
  const category = p.category_id ? state.categories.get(p.category_id) : null;
  const errorEl = h('p', { class: 'error', role: 'alert', hidden: true });
  const where = p.address ?? (p.lat !== null && p.lng !== null ? `${p.lat.toFixed(4)}, ${p.lng.toFixed(4)}` : null);
  const li = h('li', { class: `place${p.unassigned ? ' unassigned' : ''}`, draggable: days.length ? 'true' : null,
    dataset: { placeId: p.id } },
  catIcon(category),
  h('div', { class: 'place-main' },
    h('span', { class: 'place-name' }, p.name),
    h('span', { class: 'place-meta muted small' }, [category?.name, where].filter(Boolean).join(' · ')),
    h('div', { class: 'place-foot' },
      p.unassigned ? h('span', { class: 'tag tag-unplanned' }, 'not planned')
        : h('span', { class: 'tag' }, p.assignment_count === 1 ? 'planned' : `planned ${p.assignment_count}×`),
      h('span', { class: 'place-actions' },
    days.length ? h('button', { type: 'button', class: 'link-btn', 'data-focus': `plan-${p.id}`,
      'aria-expanded': String(state.editing === `plan-${p.id}`), 'aria-label': `Plan ${p.name} on a day`,
      onclick: () => setEditing(state.editing === `plan-${p.id}` ? null : `plan-${p.id}`,
        state.editing === `plan-${p.id}` ? `plan-${p.id}` : undefined) }, 'Plan…') : null,
    confirmButton('Delete', 'Really?', () => act({ errorEl, focus: 'new-place-summary' },
      () => op('delete_place', { trip_id: state.tripId, place_id: p.id })),
    { class: 'link-btn danger', 'aria-label': `Delete place ${p.name}`, 'data-focus': `delplace-${p.id}` })))),
  state.editing === `plan-${p.id}` ? planEditor(p, days) : null,
  errorEl);
  li.addEventListener('dragstart', (event) => {
    event.dataTransfer.setData(DRAG_PLACE, String(p.id));
    event.dataTransfer.setData('text/plain', p.name);
    event.dataTransfer.effectAllowed = 'copy';
  });
  return li;
}

function planEditor(p, days) {
  const select = h('select', { name: 'day_id', id: `plan-day-${p.id}`, class: 'auto', 'data-focus': `plan-${p.id}-first` },
    days.map((d, i) => h('option', { value: d.id }, `${dayLabel(d, i)}${d.date ? ` — ${formatDay(d.date)}` : ''}`)));
  const form = h('form', { class: 'mini-form', novalidate: true, dataset: { editor: `plan-${p.id}` } },
    h('div', { class: 'field' }, h('label', { for: select.id }, 'Day'), select),
    h('button', { type: 'submit', class: 'small' }, 'Add'),
    h('button', { type: 'button', class: 'secondary small', onclick: () => setEditing(null, `plan-${p.id}`) }, 'Cancel'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    act({ form, button: form.querySelector('[type="submit"]'), focus: `plan-${p.id}`, close: true },
      () => op('assign_place_to_day', { trip_id: state.tripId, day_id: Number(select.value), place_id: p.id }));
  });
  escapeCloses(form, `plan-${p.id}`);
  return form;
}

function newPlacePanel() {
  const category = h('select', { id: 'place-category', name: 'category_id' },
    h('option', { value: '' }, 'No category'),
    [...state.categories.values()].map((c) => h('option', { value: c.id }, `${c.icon} ${c.name}`)));
  const form = h('form', { id: 'new-place', class: 'grid-form two', novalidate: true },
    field('Name', h('input', { id: 'place-name', name: 'name', maxlength: 200, autocomplete: 'off',
      placeholder: 'Fushimi Inari Taisha' }), 'span-all'),
    field('Latitude', h('input', { id: 'place-lat', name: 'lat', inputmode: 'decimal', autocomplete: 'off', placeholder: '34.9671' })),
    field('Longitude', h('input', { id: 'place-lng', name: 'lng', inputmode: 'decimal', autocomplete: 'off', placeholder: '135.7727' })),
    field('Address', h('input', { id: 'place-address', name: 'address', autocomplete: 'off' }), 'span-all'),
    field('Category', category, 'span-all'),
    h('p', { class: 'form-error error span-all', role: 'alert', hidden: true }),
    h('div', { class: 'span-all' }, h('button', { type: 'submit' }, 'Add place')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFormErrors(form);
    const v = formValues(form);
    const input = { trip_id: state.tripId, name: v.name ?? '' };
    for (const key of ['lat', 'lng']) {
      if (v[key] === undefined) continue;
      const n = Number(v[key].replace(',', '.'));
      // A non-number goes to the server as typed, so its error names the field.
      input[key] = Number.isFinite(n) ? n : v[key];
    }
    if (v.address) input.address = v.address;
    if (v.category_id) input.category_id = Number(v.category_id);
    const submit = form.querySelector('[type="submit"]');
    submit.disabled = true;
    try {
      const place = await op('create_place', input);
      form.reset();
      await load();
      document.getElementById('place-name').focus();
      const row = document.querySelector(`#place-list [data-place-id="${place.id}"]`);
      row?.classList.add('just-added');
      document.getElementById('new-place-status').textContent = `Added ${place.name}.`;
    } catch (error) {
      if (!(error instanceof SignedOut)) showFormError(form, error);
    } finally {
      submit.disabled = false;
    }
  });
  return h('details', { class: 'panel', id: 'new-place-panel', open: true },
    h('summary', { 'data-focus': 'new-place-summary' }, 'New place'),
    form,
    h('p', { id: 'new-place-status', class: 'muted small', role: 'status', 'aria-live': 'polite' }));
}
