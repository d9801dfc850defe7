// Bookings: reservations (all their fields; confirm, cancel, reopen; edit; delete) and stays
// (a place and its nights: create, edit, delete). The itinerary shows each night's stay.

import { h } from '../dom.js';
import { op } from '../ops.js';
import { formatDay } from '../dates.js';
import { t, tn } from '../public/i18n.js';
import { editorForm, newPanel, rowError, editButton, deleteButton, emptyState, subhead, dayOptions, money, fill } from './kit.js';

const TYPES = ['flight', 'hotel', 'restaurant', 'train', 'car', 'cruise', 'event', 'tour', 'activity', 'other'];
const ICONS = { flight: '\u2708\uFE0F', hotel: '\u{1F3E8}', restaurant: '\u{1F37D}\uFE0F', train: '\u{1F686}', car: '\u{1F697}',
  cruise: '\u{1F6A2}', event: '\u{1F3AB}', tour: '\u{1F9ED}', activity: '\u{1F3C4}', other: '\u{1F4CC}' };

export default {
  id: 'bookings',
  title: () => t('bookings.title'),
  area: 'main',
  ops: ['create_reservation', 'update_reservation', 'delete_reservation',
    'create_accommodation', 'update_accommodation', 'delete_accommodation'],
  render(body, ctx) {
    const { reservations, accommodations } = ctx.summary;
    fill(body, 
      subhead(t('bookings.reservations')),
      reservations.length
        ? h('ul', { class: 'rows booking-list', id: 'reservation-list' }, reservations.map((r) => reservationRow(ctx, r)))
        : emptyState(t('bookings.emptyReservations'), t('bookings.emptyReservationsHint')),
      newPanel(ctx, {
        key: 'new-reservation', summary: t('bookings.newReservation'), submitLabel: t('bookings.addReservation'),
        fields: reservationFields(ctx, null),
        submit: (v) => op('create_reservation', { trip_id: ctx.tripId, ...v, title: v.title ?? '' }),
      }),
      subhead(t('bookings.stays')),
      accommodations.length
        ? h('ul', { class: 'rows booking-list', id: 'stay-list' }, accommodations.map((a) => stayRow(ctx, a)))
        : emptyState(t('bookings.emptyStays'), ctx.summary.places.length ? t('bookings.emptyStaysHint') : t('bookings.staysNeedPlaces')),
      ctx.summary.places.length && ctx.summary.days.length ? newPanel(ctx, {
        key: 'new-stay', summary: t('bookings.newStay'), submitLabel: t('bookings.addStay'),
        fields: stayFields(ctx, null),
        submit: (v) => op('create_accommodation', { trip_id: ctx.tripId, ...v }),
      }) : null);
  },
};

function reservationFields(ctx, r) {
  const places = [['', t('bookings.noPlace')], ...ctx.summary.places.map((p) => [p.id, p.name])];
  return [
    { name: 'title', label: t('bookings.field.title'), value: r?.title, max: 200, span: true, placeholder: t('bookings.placeholder.title') },
    { name: 'type', label: t('bookings.field.type'), type: 'select', value: r?.type ?? 'other',
      options: TYPES.map((x) => [x, t(`bookings.type.${x}`)]) },
    r ? { name: 'status', label: t('bookings.field.status'), type: 'select', value: r.status,
      options: ['pending', 'confirmed', 'cancelled'].map((x) => [x, t(`bookings.status.${x}`)]) } : null,
    { name: 'day_id', label: t('bookings.field.day'), type: 'select', numeric: true, value: r?.day_id ?? '',
      options: dayOptions(ctx, { blank: t('bookings.noDay'), formatDay }) },
    { name: 'reservation_time', label: t('bookings.field.time'), type: 'time', value: r?.time },
    { name: 'reservation_end_time', label: t('bookings.field.endTime'), type: 'time', value: r?.end_time },
    { name: 'location', label: t('bookings.field.location'), value: r?.location, span: true },
    { name: 'confirmation_number', label: t('bookings.field.confirmation'), value: r?.confirmation_number },
    { name: 'price', label: t('bookings.field.price'), type: 'money', value: r?.price, placeholder: '120.00' },
    { name: 'place_id', label: t('bookings.field.place'), type: 'select', numeric: true, value: r?.place_id ?? '', options: places },
    { name: 'notes', label: t('bookings.field.notes'), type: 'textarea', rows: 2, value: r?.notes, span: true },
  ];
}

function reservationRow(ctx, r) {
  const errorEl = rowError();
  const key = `reservation-${r.id}`;
  const setStatus = (status, button) => ctx.act({ button, errorEl, focus: `${key}-status` },
    () => op('update_reservation', { trip_id: ctx.tripId, reservation_id: r.id, status }));
  const when = [r.date ? formatDay(r.date) : null, r.time ? (r.end_time ? `${r.time}–${r.end_time}` : r.time) : null]
    .filter(Boolean).join(' ');
  const statusButtons = [];
  if (r.status !== 'confirmed') {
    statusButtons.push(h('button', { type: 'button', class: 'small', 'data-focus': `${key}-status`,
      'aria-label': t('bookings.confirmNamed', { name: r.title }), onclick: (e) => setStatus('confirmed', e.currentTarget) },
    t('bookings.confirm')));
  }
  if (r.status !== 'cancelled') {
    statusButtons.push(h('button', { type: 'button', class: 'secondary small', 'data-focus': r.status === 'confirmed' ? `${key}-status` : null,
      'aria-label': t('bookings.cancelNamed', { name: r.title }), onclick: (e) => setStatus('cancelled', e.currentTarget) },
    t('bookings.cancelBooking')));
  } else {
    statusButtons.push(h('button', { type: 'button', class: 'secondary small', 'data-focus': `${key}-status`,
      'aria-label': t('bookings.reopenNamed', { name: r.title }), onclick: (e) => setStatus('pending', e.currentTarget) },
    t('bookings.reopen')));
  }
  return h('li', { class: `booking status-${r.status}`, dataset: { reservationId: r.id } },
    h('div', { class: 'row-item' },
      h('div', { class: 'row-main' },
        h('span', { class: 'booking-icon', 'aria-hidden': 'true' }, ICONS[r.type] ?? ICONS.other),
        h('strong', { class: 'booking-title' }, r.title),
        h('span', { class: `tag status-tag status-${r.status}` }, t(`bookings.status.${r.status}`)),
        h('span', { class: 'tag' }, t(`bookings.type.${r.type}`)),
        h('span', { class: 'row-meta muted small' }, [when, r.location, r.place_name,
          r.confirmation_number ? t('bookings.confirmation', { code: r.confirmation_number }) : null,
          r.price ? money(r.price, r.currency) : null].filter(Boolean).join(' · ')),
        r.notes ? h('span', { class: 'row-meta small' }, r.notes) : null),
      h('div', { class: 'row-actions' }, statusButtons,
        editButton(ctx, key, t('common.editNamed', { name: r.title })),
        deleteButton(ctx, { aria: t('common.deleteNamed', { name: r.title }), errorEl, focus: 'new-reservation-summary',
          run: () => op('delete_reservation', { trip_id: ctx.tripId, reservation_id: r.id }) }))),
    ctx.editing === key ? editorForm(ctx, {
      key, update: true, done: key, submitLabel: t('common.save'), label: t('common.editNamed', { name: r.title }),
      fields: reservationFields(ctx, r),
      submit: (v) => op('update_reservation', { trip_id: ctx.tripId, reservation_id: r.id, ...v,
        title: v.title ?? '', type: v.type ?? r.type, status: v.status ?? r.status }),
    }) : null,
    errorEl);
}

function stayFields(ctx, a) {
  const days = dayOptions(ctx, { formatDay });
  return [
    { name: 'place_id', label: t('bookings.field.stayPlace'), type: 'select', numeric: true, value: a?.place_id ?? '',
      options: ctx.summary.places.map((p) => [p.id, p.name]), span: true },
    { name: 'start_day_id', label: t('bookings.field.firstNight'), type: 'select', numeric: true,
      value: a?.start_day_id ?? days[0]?.[0], options: days },
    { name: 'end_day_id', label: t('bookings.field.lastDay'), type: 'select', numeric: true,
      value: a?.end_day_id ?? days[Math.min(1, days.length - 1)]?.[0], options: days },
    { name: 'check_in', label: t('bookings.field.checkIn'), type: 'time', value: a?.check_in },
    { name: 'check_out', label: t('bookings.field.checkOut'), type: 'time', value: a?.check_out },
    { name: 'confirmation', label: t('bookings.field.confirmation'), value: a?.confirmation },
    { name: 'notes', label: t('bookings.field.notes'), type: 'textarea', rows: 2, value: a?.notes, span: true },
  ];
}

function stayRow(ctx, a) {
  const errorEl = rowError();
  const key = `stay-${a.id}`;
  const index = new Map(ctx.summary.days.map((d, i) => [d.id, i]));
  const nights = Math.max(1, (index.get(a.end_day_id) ?? 0) - (index.get(a.start_day_id) ?? 0));
  const range = [a.start_date ? formatDay(a.start_date) : null, a.end_date ? formatDay(a.end_date) : null].filter(Boolean).join(' – ');
  return h('li', { class: 'booking stay', dataset: { stayId: a.id } },
    h('div', { class: 'row-item' },
      h('div', { class: 'row-main' },
        h('span', { class: 'booking-icon', 'aria-hidden': 'true' }, '\u{1F6CF}\uFE0F'),
        h('strong', {}, a.place_name),
        h('span', { class: 'tag' }, tn('bookings.nights', nights)),
        h('span', { class: 'row-meta muted small' }, [range,
          a.check_in ? t('itinerary.stayCheckIn', { time: a.check_in }) : null,
          a.check_out ? t('itinerary.stayCheckOut', { time: a.check_out }) : null,
          a.confirmation ? t('bookings.confirmation', { code: a.confirmation }) : null].filter(Boolean).join(' · ')),
        a.notes ? h('span', { class: 'row-meta small' }, a.notes) : null),
      h('div', { class: 'row-actions' },
        editButton(ctx, key, t('common.editNamed', { name: a.place_name })),
        deleteButton(ctx, { aria: t('common.deleteNamed', { name: a.place_name }), errorEl, focus: 'new-stay-summary',
          run: () => op('delete_accommodation', { trip_id: ctx.tripId, accommodation_id: a.id }) }))),
    ctx.editing === key ? editorForm(ctx, {
      key, update: true, done: key, submitLabel: t('common.save'), label: t('common.editNamed', { name: a.place_name }),
      fields: stayFields(ctx, a),
      submit: (v) => op('update_accommodation', { trip_id: ctx.tripId, accommodation_id: a.id, ...v,
        place_id: v.place_id ?? a.place_id }),
    }) : null,
    errorEl);
}
