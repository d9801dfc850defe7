// The operation registry from the UI's side: `op(name, input)` runs one operation as the owner
// (`POST /api/ops/{name}`), `availableOps()` says which exist (`GET /api/ops`), and the form
// helpers put an error that names a field ("end_date: must be …") next to that field.

import { api, ApiError, describeError } from './api.js';
import { h } from './dom.js';

/** Runs an operation; resolves with its JSON output, throws `ApiError`/`SignedOut` like `api`. */
export function op(name, input = {}) {
  return api(`/api/ops/${encodeURIComponent(name)}`, { method: 'POST', body: input });
}

let available = null;

/** The set of operation names this Trek offers (loaded once; sections depend on it). */
export function availableOps() {
  available ??= api('/api/ops').then((ops) => new Set(ops.map((o) => o.name)), (error) => {
    available = null;
    throw error;
  });
  return available;
}

/**
 * The field an error names, or null. Domain errors read `field: message`, argument errors
 * `invalid arguments: field: message` (or `field.sub[0]: …`).
 */
export function errorField(error) {
  if (!(error instanceof ApiError)) return null;
  const match = /^(?:invalid arguments: )?([a-z_]+)(?:[.[][^:]*)?: /.exec(error.message);
  return match ? match[1] : null;
}

/** The message without its `invalid arguments: ` prefix, for showing beside a field. */
function fieldMessage(error) {
  return describeError(error).replace(/^invalid arguments: /, '');
}

/** Clears the error marks a previous `showFormError` left on `form`. */
export function clearFormErrors(form) {
  for (const el of form.querySelectorAll('.field-error')) el.remove();
  for (const el of form.querySelectorAll('[aria-invalid]')) {
    el.removeAttribute('aria-invalid');
    el.removeAttribute('aria-describedby');
  }
  const general = form.querySelector('.form-error');
  if (general) {
    general.hidden = true;
    general.textContent = '';
  }
}

let errorSeq = 0;

/**
 * Shows `error` in `form`: beside the control named by the error (marked invalid and focused)
 * when there is one, else in the form's `.form-error` paragraph. `aliases` maps API field names
 * onto control names when they differ.
 */
export function showFormError(form, error, aliases = {}) {
  clearFormErrors(form);
  const field = errorField(error);
  const name = field ? aliases[field] ?? field : null;
  const control = name ? form.querySelector(`[name="${name}"]`) : null;
  if (control) {
    errorSeq += 1;
    const id = `field-error-${errorSeq}`;
    const message = h('p', { class: 'field-error error', id, role: 'alert', dataset: { errorFor: name } },
      fieldMessage(error));
    (control.closest('.field') ?? control).after(message);
    control.setAttribute('aria-invalid', 'true');
    control.setAttribute('aria-describedby', id);
    control.focus();
    return;
  }
  let general = form.querySelector('.form-error');
  if (!general) {
    general = h('p', { class: 'form-error error', role: 'alert' });
    form.append(general);
  }
  general.textContent = describeError(error);
  general.hidden = false;
}

/** A form's controls as an object of trimmed strings (empty ones left out). */
export function formValues(form) {
  const out = {};
  for (const [key, value] of new FormData(form)) {
    const v = typeof value === 'string' ? value.trim() : value;
    if (v !== '') out[key] = v;
  }
  return out;
}
