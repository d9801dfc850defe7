// Places: the trip's places (unplanned ones first and highlighted), each editable, plannable
// on a day (or dragged onto one) and deletable, and the form that adds one — which a search
// of real places (search_place) can fill.

import { SignedOut, describeError } from '../api.js';
import { h, confirmButton } from '../dom.js';
import { op, showFormError, clearFormErrors, formValues } from '../ops.js';
import { formatDay } from '../dates.js';
import { t, tn } from '../public/i18n.js';
import { DRAG_PLACE } from './itinerary.js';
import { catIcon, dayName as dayLabel, editButton, editorForm, field } from './kit.js';

let cx = null;

export default {
  id: 'places',
  title: () => t('places.title'),
  area: 'side',
  ops: ['create_place', 'update_place', 'list_categories', 'delete_place'],
  mount(body, ctx) {
    cx = ctx;
    mountPlaces(body);
  },
  render(body, ctx) {
    cx = ctx;
    renderPlaces();
  },
};

function escapeCloses(form, focus) {
  form.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      cx.setEditing(null, focus);
    }
  });
}

function categoryOptions() {
  return [['', t('places.noCategory')], ...[...cx.categories.values()].map((c) => [c.id, `${c.icon} ${c.name}`])];
}

function placeEditor(p) {
  const key = `place-${p.id}`;
  return editorForm(cx, {
    key, cls: 'grid-form two place-editor', update: true, done: key, submitLabel: t('common.save'),
    label: t('places.editNamed', { name: p.name }),
    fields: [
      { name: 'name', label: t('places.field.name'), value: p.name, max: 200, span: true },
      { name: 'lat', label: t('places.field.lat'), type: 'decimal', value: p.lat ?? '' },
      { name: 'lng', label: t('places.field.lng'), type: 'decimal', value: p.lng ?? '' },
      { name: 'address', label: t('places.field.address'), value: p.address, span: true },
      { name: 'category_id', label: t('places.field.category'), type: 'select', numeric: true, options: categoryOptions(),
        value: p.category_id ?? '', span: true },
      { name: 'website', label: t('places.field.website'), value: p.website, span: true },
      { name: 'phone', label: t('places.field.phone'), value: p.phone },
      { name: 'notes', label: t('places.field.notes'), type: 'textarea', rows: 2, value: p.notes, span: true },
    ],
    // The name cannot be cleared: a blank one goes as typed so the error names it.
    submit: (v) => op('update_place', { trip_id: cx.tripId, place_id: p.id, ...v, name: v.name ?? '' }),
  });
}

function mountPlaces(body) {
  body.append(h('p', { id: 'place-summary', class: 'muted small' }),
    h('ul', { id: 'place-list', class: 'place-list' }),
    newPlacePanel());
}

function renderPlaces() {
  const { places, days } = cx.summary;
  const unplanned = places.filter((p) => p.unassigned).length;
  document.getElementById('place-summary').textContent = places.length === 0 ? ''
    : tn('places.count', places.length) + (unplanned ? t('places.unplannedCount', { n: unplanned }) : t('places.allPlanned'));
  const list = document.getElementById('place-list');
  if (places.length === 0) {
    list.replaceChildren(h('li', { class: 'empty-state' }, h('strong', {}, t('places.empty')),
      h('span', { class: 'muted' }, t('places.emptyHint'))));
    return;
  }
  // Unplanned first: they are what is left to do.
  const sorted = [...places.filter((p) => p.unassigned), ...places.filter((p) => !p.unassigned)];
  list.replaceChildren(...sorted.map((p) => renderPlace(p, days)));
}

function renderPlace(p, days) {
  const category = p.category_id ? cx.categories.get(p.category_id) : null;
  const errorEl = h('p', { class: 'error', role: 'alert', hidden: true });
  const where = p.address ?? (p.lat !== null && p.lng !== null ? `${p.lat.toFixed(4)}, ${p.lng.toFixed(4)}` : null);
  const li = h('li', { class: `place${p.unassigned ? ' unassigned' : ''}`, draggable: days.length ? 'true' : null,
    dataset: { placeId: p.id } },
  catIcon(category),
  h('div', { class: 'place-main' },
    h('span', { class: 'place-name' }, p.name),
    h('span', { class: 'place-meta muted small' }, [category?.name, where].filter(Boolean).join(' · ')),
    h('div', { class: 'place-foot' },
      p.unassigned ? h('span', { class: 'tag tag-unplanned' }, t('places.notPlanned'))
        : h('span', { class: 'tag' }, p.assignment_count === 1 ? t('places.planned') : t('places.plannedTimes', { n: p.assignment_count })),
      h('span', { class: 'place-actions' },
    days.length ? h('button', { type: 'button', class: 'link-btn', 'data-focus': `plan-${p.id}`,
      'aria-expanded': String(cx.editing === `plan-${p.id}`), 'aria-label': t('places.planNamed', { name: p.name }),
      onclick: () => cx.setEditing(cx.editing === `plan-${p.id}` ? null : `plan-${p.id}`,
        cx.editing === `plan-${p.id}` ? `plan-${p.id}` : undefined) }, t('places.plan')) : null,
    editButton(cx, `place-${p.id}`, t('places.editNamed', { name: p.name })),
    confirmButton(t('common.delete'), t('common.really'), () => cx.act({ errorEl, focus: 'new-place-summary' },
      () => op('delete_place', { trip_id: cx.tripId, place_id: p.id })),
    { class: 'link-btn danger', 'aria-label': t('places.deleteNamed', { name: p.name }), 'data-focus': `delplace-${p.id}` })))),
  cx.editing === `plan-${p.id}` ? planEditor(p, days) : null,
  cx.editing === `place-${p.id}` ? placeEditor(p) : null,
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
    h('div', { class: 'field' }, h('label', { for: select.id }, t('places.day')), select),
    h('button', { type: 'submit', class: 'small' }, t('common.add')),
    h('button', { type: 'button', class: 'secondary small', onclick: () => cx.setEditing(null, `plan-${p.id}`) }, t('common.cancel')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    cx.act({ form, button: form.querySelector('[type="submit"]'), focus: `plan-${p.id}`, close: true },
      () => op('assign_place_to_day', { trip_id: cx.tripId, day_id: Number(select.value), place_id: p.id }));
  });
  escapeCloses(form, `plan-${p.id}`);
  return form;
}

function newPlacePanel() {
  const category = h('select', { id: 'place-category', name: 'category_id' },
    h('option', { value: '' }, t('places.noCategory')),
    [...cx.categories.values()].map((c) => h('option', { value: c.id }, `${c.icon} ${c.name}`)));
  const form = h('form', { id: 'new-place', class: 'grid-form two', novalidate: true },
    field(t('places.field.name'), h('input', { id: 'place-name', name: 'name', maxlength: 200, autocomplete: 'off',
      placeholder: t('places.placeholder.name') }), 'span-all'),
    field(t('places.field.lat'), h('input', { id: 'place-lat', name: 'lat', inputmode: 'decimal', autocomplete: 'off', placeholder: '34.9671' })),
    field(t('places.field.lng'), h('input', { id: 'place-lng', name: 'lng', inputmode: 'decimal', autocomplete: 'off', placeholder: '135.7727' })),
    field(t('places.field.address'), h('input', { id: 'place-address', name: 'address', autocomplete: 'off' }), 'span-all'),
    field(t('places.field.category'), category, 'span-all'),
    h('p', { class: 'form-error error span-all', role: 'alert', hidden: true }),
    h('div', { class: 'span-all' }, h('button', { type: 'submit' }, t('places.add'))));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFormErrors(form);
    const v = formValues(form);
    const input = { trip_id: cx.tripId, name: v.name ?? '' };
    for (const key of ['lat', 'lng']) {
      if (v[key] === undefined) continue;
      const n = Number(v[key].replace(',', '.'));
      // A non-number goes to the server as typed, so its error names the field.
      input[key] = Number.isFinite(n) ? n : v[key];
    }
    if (v.address) input.address = v.address;
    if (v.category_id) input.category_id = Number(v.category_id);
    // Ids of the search result the form was filled from, while its name is still the one shown.
    if (form.dataset.pickedName === input.name) {
      if (form.dataset.osmId) input.osm_id = form.dataset.osmId;
      if (form.dataset.googlePlaceId) input.google_place_id = form.dataset.googlePlaceId;
    }
    const submit = form.querySelector('[type="submit"]');
    submit.disabled = true;
    try {
      const place = await op('create_place', input);
      form.reset();
      delete form.dataset.pickedName;
      await cx.load();
      document.getElementById('place-name').focus();
      const row = document.querySelector(`#place-list [data-place-id="${place.id}"]`);
      row?.classList.add('just-added');
      document.getElementById('new-place-status').textContent = t('places.added', { name: place.name });
    } catch (error) {
      if (!(error instanceof SignedOut)) showFormError(form, error);
    } finally {
      submit.disabled = false;
    }
  });
  return h('details', { class: 'panel', id: 'new-place-panel', open: true },
    h('summary', { 'data-focus': 'new-place-summary' }, t('places.new')),
    placeSearch(form),
    form,
    h('p', { id: 'new-place-status', class: 'muted small', role: 'status', 'aria-live': 'polite' }));
}

/** A search of real places (search_place); picking a result fills the new-place form. */
function placeSearch(form) {
  const input = h('input', { id: 'place-search', type: 'search', maxlength: 500, autocomplete: 'off',
    placeholder: t('placeSearch.placeholder'), 'aria-label': t('placeSearch.label') });
  const button = h('button', { type: 'submit', class: 'secondary small' }, t('placeSearch.search'));
  const status = h('p', { id: 'place-search-status', class: 'muted small', role: 'status', 'aria-live': 'polite' });
  const results = h('ul', { id: 'place-search-results', class: 'search-results' });
  const fill = (place) => {
    const set = (id, value) => { document.getElementById(id).value = value ?? ''; };
    set('place-name', place.name);
    set('place-lat', place.lat);
    set('place-lng', place.lng);
    set('place-address', place.address);
    form.dataset.pickedName = place.name;
    form.dataset.osmId = place.osm_id ?? '';
    form.dataset.googlePlaceId = place.google_place_id ?? '';
    results.replaceChildren();
    status.textContent = t('placeSearch.filled', { name: place.name });
    document.getElementById('place-name').focus();
  };
  const search = h('form', { id: 'place-search-form', class: 'inline-form', role: 'search' }, input, button);
  search.addEventListener('submit', async (event) => {
    event.preventDefault();
    const query = input.value.trim();
    if (!query) return;
    button.disabled = true;
    status.textContent = t('placeSearch.searching');
    results.replaceChildren();
    try {
      const found = await op('search_place', { query });
      status.textContent = tn('placeSearch.found', found.places.length);
      results.replaceChildren(...found.places.map((place) => h('li', {},
        h('button', { type: 'button', class: 'link-btn', onclick: () => fill(place),
          'aria-label': t('placeSearch.use', { name: place.name }) },
        h('strong', {}, place.name), ' ', h('span', { class: 'muted small' }, place.address)))));
    } catch (error) {
      if (!(error instanceof SignedOut)) status.textContent = describeError(error);
    } finally {
      button.disabled = false;
    }
  });
  return h('div', { class: 'place-search' }, search, status, results);
}
