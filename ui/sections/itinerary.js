// Itinerary: the trip's days in order, each with its planned places (times, reorder with
// buttons or drag and drop, move to another day), its notes, its title and day notes, and
// the stay of that night. Places dragged from the places list are planned where dropped.

import { h, confirmButton } from '../dom.js';
import { op, formValues } from '../ops.js';
import { formatDay } from '../dates.js';
import { t, tn } from '../public/i18n.js';
import { editorForm, editButton, catIcon, dayName as dayLabel } from './kit.js';

/** The shell's context while rendering (set by `render`). */
let cx = null;

export default {
  id: 'itinerary',
  title: () => t('itinerary.title'),
  area: 'main',
  ops: ['get_trip_summary', 'assign_place_to_day', 'unassign_place', 'reorder_day_assignments',
    'move_assignment', 'update_assignment_time', 'create_day_note', 'update_day_note', 'delete_day_note', 'update_day'],
  render(body, ctx) {
    cx = ctx;
    renderItinerary(body);
  },
};

/** Exported for the places section (drag source): the data type a dragged place carries. */
export const DRAG_PLACE = 'application/x-trek-place';

function escapeCloses(form, focus) {
  form.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      cx.setEditing(null, focus);
    }
  });
}

/** The stay whose nights include `day` (check-in day up to the day before check-out). */
function stayOf(day) {
  const index = new Map(cx.summary.days.map((d, i) => [d.id, i]));
  const at = index.get(day.id);
  return (cx.summary.accommodations ?? []).find((s) => {
    const start = index.get(s.start_day_id);
    const end = index.get(s.end_day_id);
    if (start === undefined || end === undefined) return false;
    return start === end ? at === start : at >= start && at < end;
  });
}

function stayLine(day) {
  const stay = stayOf(day);
  if (!stay) return null;
  const times = [];
  if (stay.start_day_id === day.id && stay.check_in) times.push(t('itinerary.stayCheckIn', { time: stay.check_in }));
  return h('p', { class: 'day-stay small' }, h('span', { 'aria-hidden': 'true' }, '\u{1F6CF}\uFE0F '),
    t('itinerary.stay', { name: stay.place_name }), times.length ? h('span', { class: 'muted' }, ` · ${times.join(' · ')}`) : null);
}

function dayEditor(day, index) {
  const key = `day-${day.id}`;
  return editorForm(cx, {
    key, cls: 'grid-form day-editor', update: true, done: key,
    label: t('itinerary.editDayNamed', { n: index + 1 }),
    submitLabel: t('common.save'),
    fields: [
      { name: 'title', label: t('itinerary.day.title'), value: day.title, max: 200, placeholder: t('itinerary.day.titlePlaceholder') },
      { name: 'notes', label: t('itinerary.day.notes'), type: 'textarea', rows: 2, value: day.notes, span: true },
    ],
    submit: (v) => op('update_day', { trip_id: cx.tripId, day_id: day.id, ...v }),
  });
}

// ---------- itinerary ----------

const DRAG_ASSIGNMENT = 'application/x-trek-assignment';


function placeById(id) {
  return cx.summary.places.find((p) => p.id === id);
}

function categoryOf(placeId) {
  const place = placeById(placeId);
  return place?.category_id ? cx.categories.get(place.category_id) : null;
}



function renderItinerary(body) {
  const { days } = cx.summary;
  if (days.length === 0) {
    body.replaceChildren(h('p', { class: 'empty-state' },
      h('strong', {}, t('itinerary.noDays')),
      h('span', { class: 'muted' }, t('itinerary.noDaysHint'))));
    return;
  }
  body.replaceChildren(h('ol', { class: 'days' }, days.map((day, i) => renderDay(day, i))));
}

function renderDay(day, index) {
  const errorEl = h('p', { class: 'error day-error', role: 'alert', hidden: true });
  const list = h('ol', { class: 'stops', dataset: { dayId: day.id }, 'aria-label': t('itinerary.placesOnDay', { n: index + 1 }) },
    day.assignments.length === 0
      ? h('li', { class: 'stops-empty muted small' }, t('itinerary.nothingPlanned'))
      : day.assignments.map((a, i) => renderStop(day, a, i, errorEl)));
  wireDrop(list, day, errorEl);
  const notes = day.day_notes.length || cx.editing === `newnote-${day.id}`
    ? h('ul', { class: 'notes', 'aria-label': t('itinerary.notesOnDay', { n: index + 1 }) },
      day.day_notes.map((n) => renderNote(day, n)),
      cx.editing === `newnote-${day.id}` ? h('li', {}, noteEditor(day, null)) : null)
    : null;
  return h('li', { class: 'day', dataset: { dayId: day.id }, 'aria-labelledby': `day-${day.id}-title` },
    h('header', { class: 'day-head' },
      h('h3', { id: `day-${day.id}-title` }, dayLabel(day, index)),
      day.date ? h('span', { class: 'day-date muted' }, formatDay(day.date)) : null,
      day.assignments.length ? h('span', { class: 'day-count muted small' },
        tn('itinerary.places', day.assignments.length)) : null,
      editButton(cx, `day-${day.id}`, t('itinerary.editDayNamed', { n: index + 1 }), t('itinerary.editDay'))),
    cx.editing === `day-${day.id}` ? dayEditor(day, index)
      : day.notes ? h('p', { class: 'day-notes-text muted small' }, day.notes) : null,
    stayLine(day),
    list,
    notes,
    errorEl,
    dayActions(day, index, errorEl));
}

function renderStop(day, a, i, dayError) {
  const name = a.place_name;
  const days = cx.summary.days;
  const count = day.assignments.length;
  const errorEl = h('p', { class: 'error', role: 'alert', hidden: true });
  const time = a.start_time ? (a.end_time ? `${a.start_time}–${a.end_time}` : a.start_time)
    : a.end_time ? t('itinerary.until', { time: a.end_time }) : t('itinerary.addTime');
  const order = day.assignments.map((x) => x.id);
  const moveWithin = (delta, button) => {
    const next = [...order];
    next.splice(i, 1);
    next.splice(i + delta, 0, a.id);
    cx.act({ button, errorEl, focus: `${delta < 0 ? 'up' : 'down'}-${a.id}` },
      () => op('reorder_day_assignments', { trip_id: cx.tripId, day_id: day.id, assignment_ids: next }));
  };
  const li = h('li', { class: 'stop', draggable: 'true', dataset: { assignmentId: a.id, placeId: a.place_id } },
    h('span', { class: 'grip', 'aria-hidden': 'true', title: t('itinerary.grip') }, '\u2807'),
    h('button', {
      type: 'button', class: `time-btn${a.start_time || a.end_time ? '' : ' unset'}`, 'data-focus': `time-${a.id}`,
      'aria-label': a.start_time || a.end_time ? t('itinerary.timeOf', { name, time }) : t('itinerary.setTime', { name }),
      'aria-expanded': String(cx.editing === `time-${a.id}`),
      onclick: () => cx.setEditing(cx.editing === `time-${a.id}` ? null : `time-${a.id}`,
        cx.editing === `time-${a.id}` ? `time-${a.id}` : undefined),
    }, time),
    h('span', { class: 'stop-name' }, catIcon(categoryOf(a.place_id)), h('span', { class: 'stop-label' }, name)),
    h('span', { class: 'stop-actions' },
      h('button', { type: 'button', class: 'icon-btn', 'data-focus': `up-${a.id}`, 'aria-label': t('itinerary.moveUp', { name }),
        title: t('itinerary.moveUpTitle'), disabled: i === 0, onclick: (e) => moveWithin(-1, e.currentTarget) }, '\u2191'),
      h('button', { type: 'button', class: 'icon-btn', 'data-focus': `down-${a.id}`, 'aria-label': t('itinerary.moveDown', { name }),
        title: t('itinerary.moveDownTitle'), disabled: i === count - 1, onclick: (e) => moveWithin(1, e.currentTarget) }, '\u2193'),
      days.length > 1 ? h('button', {
        type: 'button', class: 'icon-btn', 'data-focus': `move-${a.id}`, 'aria-label': t('itinerary.moveDay', { name }),
        title: t('itinerary.moveDayTitle'), 'aria-expanded': String(cx.editing === `move-${a.id}`),
        onclick: () => cx.setEditing(cx.editing === `move-${a.id}` ? null : `move-${a.id}`,
          cx.editing === `move-${a.id}` ? `move-${a.id}` : undefined),
      }, '\u21C4') : null,
      h('button', { type: 'button', class: 'icon-btn danger', 'data-focus': `unassign-${a.id}`,
        'aria-label': t('itinerary.unassign', { name }), title: t('itinerary.unassignTitle'),
        onclick: (e) => cx.act({ button: e.currentTarget, errorEl, focus: neighbourFocus(day, i) },
          () => op('unassign_place', { trip_id: cx.tripId, day_id: day.id, assignment_id: a.id })) }, '\u2715')),
    cx.editing === `time-${a.id}` ? timeEditor(a) : null,
    cx.editing === `move-${a.id}` ? moveEditor(day, a) : null,
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
    'aria-label': t('itinerary.timeForm', { name: a.place_name }) },
  h('div', { class: 'field' }, h('label', { for: `start-${a.id}` }, t('itinerary.from')),
    h('input', { id: `start-${a.id}`, name: 'start_time', value: a.start_time ?? '', placeholder: 'HH:MM',
      maxlength: 5, inputmode: 'numeric', autocomplete: 'off', class: 'time-input', 'data-focus': `time-${a.id}-first` })),
  h('div', { class: 'field' }, h('label', { for: `end-${a.id}` }, t('itinerary.to')),
    h('input', { id: `end-${a.id}`, name: 'end_time', value: a.end_time ?? '', placeholder: 'HH:MM',
      maxlength: 5, inputmode: 'numeric', autocomplete: 'off', class: 'time-input' })),
  h('button', { type: 'submit', class: 'small' }, t('itinerary.saveTime')),
  h('button', { type: 'button', class: 'secondary small', onclick: () => cx.setEditing(null, `time-${a.id}`) }, t('common.cancel')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const v = formValues(form);
    cx.act({ form, button: form.querySelector('[type="submit"]'), focus: `time-${a.id}`, close: true },
      () => op('update_assignment_time', { trip_id: cx.tripId, assignment_id: a.id,
        start_time: v.start_time ?? null, end_time: v.end_time ?? null }));
  });
  escapeCloses(form, `time-${a.id}`);
  return form;
}

function moveEditor(day, a) {
  const days = cx.summary.days;
  const select = h('select', { name: 'new_day_id', id: `move-day-${a.id}`, 'data-focus': `move-${a.id}-first`, class: 'auto' },
    days.filter((d) => d.id !== day.id).map((d) =>
      h('option', { value: d.id }, `${dayLabel(d, days.indexOf(d))}${d.date ? ` — ${formatDay(d.date)}` : ''}`)));
  const form = h('form', { class: 'mini-form', novalidate: true, dataset: { editor: `move-${a.id}` } },
    h('div', { class: 'field' }, h('label', { for: select.id }, t('itinerary.moveTo', { name: a.place_name })), select),
    h('button', { type: 'submit', class: 'small' }, t('itinerary.move')),
    h('button', { type: 'button', class: 'secondary small', onclick: () => cx.setEditing(null, `move-${a.id}`) }, t('common.cancel')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    cx.act({ form, button: form.querySelector('[type="submit"]'), focus: `time-${a.id}`, close: true },
      () => op('move_assignment', { trip_id: cx.tripId, assignment_id: a.id, new_day_id: Number(select.value) }));
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
        cx.act({ errorEl, focus: `time-${assignmentId}` }, () =>
          op('reorder_day_assignments', { trip_id: cx.tripId, day_id: day.id, assignment_ids: next }));
      } else {
        cx.act({ errorEl, focus: `time-${assignmentId}` }, () =>
          op('move_assignment', { trip_id: cx.tripId, assignment_id: assignmentId, new_day_id: day.id, position: index }));
      }
    } else if (placeId) {
      cx.act({ errorEl, focus: `add-${day.id}` }, () =>
        op('assign_place_to_day', { trip_id: cx.tripId, day_id: day.id, place_id: placeId, position: index }));
    }
  });
}

function renderNote(day, note) {
  if (cx.editing === `note-${note.id}`) return h('li', { class: 'note editing' }, noteEditor(day, note));
  const errorEl = h('p', { class: 'error', role: 'alert', hidden: true });
  return h('li', { class: 'note', dataset: { noteId: note.id } },
    h('span', { class: 'note-icon', 'aria-hidden': 'true' }, note.icon ?? '\u{1F4DD}'),
    note.time ? h('span', { class: 'note-time' }, note.time) : null,
    h('span', { class: 'note-text' }, note.text),
    h('span', { class: 'note-actions' },
      h('button', { type: 'button', class: 'link-btn', 'data-focus': `note-${note.id}`,
        'aria-label': t('itinerary.note.edit', { text: note.text }), onclick: () => cx.setEditing(`note-${note.id}`) }, t('common.edit')),
      confirmButton(t('common.delete'), t('common.reallyDelete'), () => cx.act({ errorEl, focus: `addnote-${day.id}` },
        () => op('delete_day_note', { trip_id: cx.tripId, day_id: day.id, note_id: note.id })),
      { class: 'link-btn danger', 'aria-label': t('itinerary.note.delete', { text: note.text }), 'data-focus': `delnote-${note.id}` })),
    errorEl);
}

function noteEditor(day, note) {
  const key = note ? `note-${note.id}` : `newnote-${day.id}`;
  const done = note ? `note-${note.id}` : `addnote-${day.id}`;
  const form = h('form', { class: 'mini-form note-form', novalidate: true, dataset: { editor: key } },
    h('div', { class: 'field' }, h('label', { for: `${key}-icon` }, t('itinerary.note.icon')),
      h('input', { id: `${key}-icon`, name: 'icon', value: note?.icon ?? '', maxlength: 8, class: 'icon-input',
        placeholder: '\u{1F4DD}', autocomplete: 'off' })),
    h('div', { class: 'field' }, h('label', { for: `${key}-time` }, t('itinerary.note.when')),
      h('input', { id: `${key}-time`, name: 'time', value: note?.time ?? '', maxlength: 50, class: 'time-input',
        placeholder: '09:00', autocomplete: 'off' })),
    h('div', { class: 'field grow' }, h('label', { for: `${key}-text` }, t('itinerary.note.text')),
      h('input', { id: `${key}-text`, name: 'text', value: note?.text ?? '', maxlength: 2000, autocomplete: 'off',
        'data-focus': `${key}-first`, placeholder: t('itinerary.note.placeholder') })),
    h('button', { type: 'submit', class: 'small' }, note ? t('itinerary.note.save') : t('itinerary.note.add')),
    h('button', { type: 'button', class: 'secondary small', onclick: () => cx.setEditing(null, done) }, t('common.cancel')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const v = formValues(form);
    const input = { trip_id: cx.tripId, day_id: day.id, text: v.text ?? '', time: v.time ?? null, icon: v.icon ?? null };
    if (note) input.note_id = note.id;
    cx.act({ form, button: form.querySelector('[type="submit"]'), focus: done, close: true },
      () => op(note ? 'update_day_note' : 'create_day_note', input));
  });
  escapeCloses(form, done);
  return form;
}

function dayActions(day, index, errorEl) {
  const places = cx.summary.places;
  const planned = new Set(day.assignments.map((a) => a.place_id));
  const select = h('select', { id: `add-select-${day.id}`, class: 'auto', 'data-focus': `add-${day.id}`,
    'aria-label': t('itinerary.placeToAdd', { n: index + 1 }), disabled: places.length === 0 },
  places.length === 0 ? h('option', { value: '' }, t('itinerary.noPlaces')) : null,
  grouped(places.filter((p) => p.unassigned), t('itinerary.group.unplanned')),
  grouped(places.filter((p) => !p.unassigned && !planned.has(p.id)), t('itinerary.group.otherDays')),
  grouped(places.filter((p) => planned.has(p.id)), t('itinerary.group.thisDay')));
  const add = h('form', { class: 'add-stop', dataset: { dayId: day.id } }, select,
    h('button', { type: 'submit', class: 'small', disabled: places.length === 0 }, t('itinerary.addToDay')));
  add.addEventListener('submit', (event) => {
    event.preventDefault();
    const placeId = Number(select.value);
    if (!placeId) return;
    cx.act({ errorEl, button: add.querySelector('button'), focus: `add-${day.id}` },
      () => op('assign_place_to_day', { trip_id: cx.tripId, day_id: day.id, place_id: placeId }));
  });
  return h('div', { class: 'day-actions' }, add,
    cx.editing === `newnote-${day.id}` ? null
      : h('button', { type: 'button', class: 'secondary small', 'data-focus': `addnote-${day.id}`,
        onclick: () => cx.setEditing(`newnote-${day.id}`) }, t('itinerary.addNote')));
}

function grouped(places, label) {
  if (places.length === 0) return null;
  return h('optgroup', { label }, places.map((p) => h('option', { value: p.id }, p.name)));
}

