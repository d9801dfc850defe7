// What every trip section shares, so a section only declares its fields and operations:
// labelled controls from field specs, editor forms (Enter saves, Escape closes, errors beside
// the field that caused them, drafts kept across live redraws), row errors, delete buttons,
// empty states and small formatting helpers.
//
// A section module exports `{ id, title, area, ops, render(body, ctx), mount?(body, ctx),
// load?(ctx) }`. `ctx` comes from the shell (trip.js): `tripId`, `summary`, `extra` (what the
// section's `load` fetched), `categories`, `editing`, `setEditing(key, focus)`,
// `act({ button, errorEl, form, focus, close }, action)` and `op(name, input)`.

import { h, confirmButton } from '../dom.js';
import { t } from '../public/i18n.js';

let seq = 0;

/**
 * A control for a field spec `{ name, label, type, value, options, placeholder, max, span }`.
 * Types: text (default), textarea, int, decimal, money, date, time, color, select, checkbox.
 * `options` for select: `[[value, label], …]`.
 */
export function control(spec, idPrefix) {
  seq += 1;
  const id = `${idPrefix}-${spec.name}-${seq}`;
  const value = spec.value ?? '';
  const common = { id, name: spec.name, 'data-focus': spec.focusKey ?? null, autocomplete: 'off' };
  switch (spec.type) {
    case 'textarea':
      return h('textarea', { ...common, rows: spec.rows ?? 3, maxlength: spec.max ?? null, class: 'prose',
        placeholder: spec.placeholder ?? null }, value);
    case 'select':
      return h('select', common, spec.options.map(([v, label]) =>
        h('option', { value: v, selected: String(v) === String(value) }, label)));
    case 'checkbox':
      return h('input', { ...common, type: 'checkbox', checked: Boolean(spec.value) });
    case 'date':
      return h('input', { ...common, type: 'date', value });
    case 'color':
      return h('input', { ...common, type: 'color', value: value || '#6b7280', class: 'color-input' });
    case 'time':
      return h('input', { ...common, value, placeholder: 'HH:MM', maxlength: 5, inputmode: 'numeric', class: 'time-input' });
    case 'int':
      return h('input', { ...common, value, inputmode: 'numeric', class: 'num-input', placeholder: spec.placeholder ?? null });
    case 'decimal':
    case 'money':
      return h('input', { ...common, value, inputmode: 'decimal', class: 'num-input', placeholder: spec.placeholder ?? null });
    default:
      return h('input', { ...common, value, maxlength: spec.max ?? null, placeholder: spec.placeholder ?? null });
  }
}

/** A label and its control, as a grid cell. */
export function field(label, ctl, cls = '') {
  if (ctl.type === 'checkbox') {
    return h('div', { class: `field check-row ${cls}` }, ctl, h('label', { for: ctl.id }, label));
  }
  return h('div', { class: `field ${cls}` }, h('label', { for: ctl.id }, label), ctl);
}

/**
 * The form's values typed by `specs`. Blank text is left out when creating and sent as null
 * when updating (so a cleared field clears). Numbers that do not parse go as typed, so the
 * server's error names the field.
 */
export function readValues(form, specs, { update = false } = {}) {
  const out = {};
  for (const spec of specs) {
    const el = form.elements.namedItem(spec.name);
    if (!el) continue;
    if (spec.type === 'checkbox') {
      out[spec.name] = el.checked;
      continue;
    }
    const raw = el.value.trim();
    if (raw === '') {
      if (update) out[spec.name] = null;
      continue;
    }
    if (spec.type === 'int' || (spec.type === 'select' && spec.numeric)) {
      const n = Number(raw);
      out[spec.name] = Number.isInteger(n) ? n : raw;
    } else if (spec.type === 'decimal') {
      const n = Number(raw.replace(',', '.'));
      out[spec.name] = Number.isFinite(n) ? n : raw;
    } else if (spec.type === 'money') {
      out[spec.name] = raw.replace(',', '.');
    } else {
      out[spec.name] = raw;
    }
  }
  return out;
}

/**
 * An editor form built from field specs. `key` names it (drafts survive redraws; its first
 * control gets focus key `${key}-first`); `done` is the focus key after closing. `submit(values)`
 * returns the operation's promise. Enter submits, Escape closes (when it is closable).
 */
export function editorForm(ctx, { key, fields, submitLabel, submit, done, update = false, cls = 'grid-form',
  closable = true, close = true, reset = false, label }) {
  const specs = fields.filter(Boolean);
  const cells = specs.map((spec, i) => {
    const ctl = control({ ...spec, focusKey: spec.focusKey ?? (i === 0 ? `${key}-first` : null) }, key);
    return field(spec.label, ctl, spec.span ? 'span-all' : spec.grow ? 'grow' : '');
  });
  const submitButton = h('button', { type: 'submit', class: cls === 'mini-form' ? 'small' : null }, submitLabel);
  const form = h('form', { class: `${cls} editor`, novalidate: true, dataset: { editor: key }, 'aria-label': label ?? null },
    cells,
    h('p', { class: 'form-error error span-all', role: 'alert', hidden: true }),
    h('div', { class: 'span-all actions' }, submitButton,
      closable ? h('button', { type: 'button', class: 'secondary small', onclick: () => ctx.setEditing(null, done) },
        t('common.cancel')) : null));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const values = readValues(form, specs, { update });
    const ok = await ctx.act({ form, button: submitButton, focus: done, close: closable && close }, () => submit(values));
    if (ok && reset) {
      // The redraw rebuilt the form (restoring the draft): clear the one now on the page.
      const current = document.querySelector(`form[data-editor="${CSS.escape(key)}"]`) ?? form;
      current.reset();
      current.querySelector('[data-focus$="-first"]')?.focus();
    }
  });
  if (closable) {
    form.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        ctx.setEditing(null, done);
      }
    });
  }
  return form;
}

/** A "new …" panel (a `<details>` staying open across redraws) holding an editor form. */
export function newPanel(ctx, { key, summary, ...options }) {
  const open = ctx.openPanels.has(key);
  const panel = h('details', { class: 'panel new-panel', open, dataset: { panel: key } },
    h('summary', { 'data-focus': `${key}-summary` }, summary),
    editorForm(ctx, { key, closable: false, reset: true, ...options }));
  panel.addEventListener('toggle', () => {
    if (panel.open) ctx.openPanels.add(key);
    else ctx.openPanels.delete(key);
  });
  return panel;
}

/** A hidden alert paragraph for a row's errors. */
export function rowError() {
  return h('p', { class: 'error row-error', role: 'alert', hidden: true });
}

/** An "Edit" toggle for the editor `key` (aria-expanded follows it). */
export function editButton(ctx, key, aria, label = t('common.edit')) {
  const open = ctx.editing === key;
  return h('button', { type: 'button', class: 'link-btn', 'data-focus': key, 'aria-expanded': String(open),
    'aria-label': aria, onclick: () => ctx.setEditing(open ? null : key, open ? key : undefined) }, label);
}

/** A two-click delete for a row. */
export function deleteButton(ctx, { aria, errorEl, focus, run, key }) {
  return confirmButton(t('common.delete'), t('common.really'), () => ctx.act({ errorEl, focus }, run),
    { class: 'link-btn danger', 'aria-label': aria, 'data-focus': key ?? null });
}

/** The empty state of a list: what is missing, then what to do. */
export function emptyState(strong, hint, tag = 'p') {
  return h(tag, { class: 'empty-state' }, h('strong', {}, strong), h('span', { class: 'muted' }, hint));
}

/** A sub-heading inside a section. */
export function subhead(text) {
  return h('h3', { class: 'subhead' }, text);
}

/** `[value, label]` options of the trip's days ("Day 2 — Thu, 2 Apr"), optionally with a blank first. */
export function dayOptions(ctx, { blank, formatDay } = {}) {
  const days = ctx.summary.days;
  const options = days.map((d, i) => [d.id, dayName(d, i, formatDay)]);
  return blank ? [['', blank], ...options] : options;
}

export function dayName(day, index, formatDay) {
  const base = day.title ? t('itinerary.dayTitled', { n: index + 1, title: day.title }) : t('itinerary.day', { n: index + 1 });
  const date = day.date && formatDay ? formatDay(day.date) : '';
  return date ? `${base} — ${date}` : base;
}

/** `[value, label]` options of the trip's members. */
export function memberOptions(ctx, blank) {
  const options = ctx.summary.members.map((m) => [m.user_id, m.name]);
  return blank ? [['', blank], ...options] : options;
}

/** "12.50 EUR" for a decimal string in the trip's currency. */
export function money(amount, currency) {
  const n = Number(amount);
  if (!Number.isFinite(n)) return `${amount} ${currency}`;
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(n);
  } catch {
    return `${amount} ${currency}`;
  }
}

/** A place's category icon, tinted with the category's colour. */
export function catIcon(category) {
  const el = h('span', { class: 'cat-icon', 'aria-hidden': 'true', title: category?.name ?? t('places.noCategory') },
    category?.icon ?? '\u{1F4CD}');
  // CSSOM, not a style attribute: allowed by the page's CSP.
  if (category?.color) el.style.setProperty('--cat', category.color);
  return el;
}

/** "Alex Kim" → "AK", for avatars. */
export function initials(name) {
  return name.split(/\s+/).filter(Boolean).slice(0, 2).map((p) => p[0].toUpperCase()).join('') || '?';
}

/** Replaces `body`'s children, skipping the null/false ones conditional parts leave. */
export function fill(body, ...children) {
  body.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
}
