// Small DOM helpers: an element builder (text only, never HTML strings), time formatting,
// copy-to-clipboard with a fallback, and a two-step confirmation for destructive buttons.

import { t } from './public/i18n.js';

/**
 * `h('button', { class: 'secondary', type: 'button', onclick: fn }, 'Text', child)`.
 * Attributes starting with `on` become listeners; `null`/`false` attributes are skipped;
 * children are nodes or strings (inserted as text).
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else if (key === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (value === true) {
      el.setAttribute(key, '');
    } else {
      el.setAttribute(key, String(value));
    }
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

/** Unix seconds → "12 Mar 2026, 14:05". */
export function formatDate(unix) {
  return unix ? dateFormat.format(new Date(unix * 1000)) : t('common.never');
}

/** Unix seconds → "5 minutes ago" (coarse), or "never". */
export function formatAgo(unix) {
  if (!unix) return t('common.never');
  const seconds = Math.round(unix - Date.now() / 1000);
  const abs = Math.abs(seconds);
  if (abs < 60) return relative.format(Math.round(seconds), 'second');
  if (abs < 3600) return relative.format(Math.round(seconds / 60), 'minute');
  if (abs < 86400) return relative.format(Math.round(seconds / 3600), 'hour');
  return relative.format(Math.round(seconds / 86400), 'day');
}

/** Seconds → "4:07". */
export function formatCountdown(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** A `<time>` element showing a date, with the exact value on hover. */
export function timeEl(unix, { ago = false } = {}) {
  if (!unix) return h('span', { class: 'muted' }, t('common.never'));
  return h('time', { datetime: new Date(unix * 1000).toISOString(), title: formatDate(unix) },
    ago ? formatAgo(unix) : formatDate(unix));
}

/**
 * Copies `text`; on refusal (insecure context, permissions) selects `selectEl`'s text instead.
 * Reports in `statusEl` (an aria-live element) and clears it after a moment.
 */
export async function copyText(text, statusEl, selectEl) {
  try {
    await navigator.clipboard.writeText(text);
    statusEl.textContent = t('common.copied');
  } catch {
    const range = document.createRange();
    range.selectNodeContents(selectEl);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    statusEl.textContent = t('common.selectedCopy');
  }
  setTimeout(() => { statusEl.textContent = ''; }, 2500);
}

/**
 * A destructive button that asks twice: the first click arms it (label `armedLabel`) for a few
 * seconds, the second runs `action`. Works without `window.confirm`, which some webviews lack.
 */
export function confirmButton(label, armedLabel, action, attrs = {}) {
  let timer = null;
  const button = h('button', { type: 'button', class: 'danger', ...attrs }, label);
  const disarm = () => {
    clearTimeout(timer);
    delete button.dataset.armed;
    button.textContent = label;
  };
  button.addEventListener('click', async () => {
    if (!button.dataset.armed) {
      button.dataset.armed = 'true';
      button.textContent = armedLabel;
      timer = setTimeout(disarm, 4000);
      return;
    }
    disarm();
    button.disabled = true;
    try {
      await action();
    } finally {
      button.disabled = false;
    }
  });
  button.addEventListener('blur', disarm);
  return button;
}

/** A box showing a secret once, with Copy and Dismiss. */
export function secretBox(title, rows, note) {
  const box = h('div', { class: 'secret-box', role: 'group', 'aria-label': title });
  box.append(h('p', { class: 'secret-title' }, h('strong', {}, title)));
  for (const [name, value] of rows) {
    const code = h('code', { class: 'secret-value' }, value);
    const status = h('span', { class: 'muted', role: 'status', 'aria-live': 'polite' });
    box.append(h('div', { class: 'secret-row' },
      h('span', { class: 'secret-name' }, name),
      code,
      h('button', { type: 'button', class: 'secondary small', onclick: () => copyText(value, status, code) },
        t('common.copyNamed', { name })),
      status));
  }
  if (note) box.append(h('p', { class: 'muted small' }, note));
  box.append(h('button', { type: 'button', class: 'secondary small', onclick: () => box.remove() }, t('common.hideSecret')));
  return box;
}
