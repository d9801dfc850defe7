// Settings (#/settings): the owner password for browser login, the data folder, backups
// (back up now, the list, how to restore one), export/import of all data (`GET /api/export`,
// `POST /api/import`), and the version.
// Restoring replaces the data while Trek runs (the current data becomes a "before restore"
// backup) and reloads the page; the command for a Trek that does not start is shown too.

import { api, ApiError, describeError, SignedOut } from './api.js';
import { h, copyText, confirmButton, formatDate } from './dom.js';
import { showFormError, clearFormErrors } from './ops.js';
import { t } from './public/i18n.js';
import * as publicAccess from './settings_public.js';
import { addonsCard, loadAddons } from './settings_addons.js';
import { showAppSettings } from './settings_app.js';

const root = () => document.getElementById('view-settings');
let built = false;

function field(label, control) {
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), control);
}

function build() {
  root().append(
    h('div', { class: 'card' },
      h('h1', { id: 'settings-title', tabindex: '-1' }, t('settings.title')),
      h('p', { id: 'settings-error', class: 'error', role: 'alert', hidden: true })),
    h('section', { class: 'card', 'aria-labelledby': 'password-title' },
      h('h2', { id: 'password-title', class: 'card-title' }, t('settings.password')),
      h('p', { class: 'muted' }, t('settings.passwordIntro')),
      h('p', { id: 'password-state', role: 'status' }, t('common.loading')),
      passwordForm()),
    h('section', { class: 'card', 'aria-labelledby': 'data-title' },
      h('h2', { id: 'data-title', class: 'card-title' }, t('settings.data')),
      h('p', { class: 'muted' }, t('settings.dataIntro')),
      copyRow('settings-data-dir'),
      h('h3', { class: 'subhead' }, t('settings.backups')),
      h('p', { class: 'muted' }, t('settings.backupsIntro')),
      copyRow('settings-backup-dir'),
      h('p', { class: 'actions' },
        h('button', { type: 'button', id: 'backup-now', onclick: backupNow }, t('settings.backupNow')),
        h('span', { id: 'backup-status', class: 'muted small', role: 'status', 'aria-live': 'polite' })),
      h('p', { id: 'backup-error', class: 'error', role: 'alert', hidden: true }),
      h('ul', { id: 'backup-list', class: 'rows', 'aria-busy': 'true' }, h('li', { class: 'empty muted' }, t('common.loading')))),
    h('section', { class: 'card', 'aria-labelledby': 'export-title' },
      h('h2', { id: 'export-title', class: 'card-title' }, t('settings.export')),
      h('p', { class: 'muted' }, t('settings.exportIntro')),
      // A plain link: the owner's cookie goes along and the browser saves the attachment.
      h('p', {}, h('a', { id: 'export-link', class: 'button-link', href: '/api/export', download: '' }, t('settings.exportButton'))),
      importForm()),
    publicAccess.section(),
    addonsCard(),
    h('section', { class: 'card', 'aria-labelledby': 'about-title' },
      h('h2', { id: 'about-title', class: 'card-title' }, t('settings.about')),
      h('dl', { class: 'facts' },
        h('dt', {}, t('settings.version')), h('dd', { id: 'settings-version' }, '…'),
        h('dt', {}, t('settings.mcpUrl')), h('dd', {}, h('code', { id: 'settings-mcp-url' }, '…')),
        h('dt', {}, t('settings.localUrl')), h('dd', {}, h('code', { id: 'settings-local-url' }, '…')))));
  built = true;
}

function copyRow(id) {
  const code = h('code', { id }, '…');
  const status = h('span', { class: 'muted small', role: 'status', 'aria-live': 'polite' });
  return h('p', { class: 'copy-row' }, code,
    h('button', { type: 'button', class: 'secondary small', onclick: () => copyText(code.textContent, status, code) }, t('common.copy')),
    status);
}

let passwordIsSet = false;

function passwordForm() {
  const input = (name, id) => h('input', { id, name, type: 'password', autocomplete: name === 'current_password' ? 'current-password' : 'new-password' });
  const current = field(t('settings.currentPassword'), input('current_password', 'pw-current'));
  current.id = 'pw-current-field';
  const form = h('form', { id: 'password-form', class: 'grid-form', novalidate: true },
    current,
    field(t('settings.newPassword'), input('new_password', 'pw-new')),
    field(t('settings.repeatPassword'), input('repeat_password', 'pw-repeat')),
    h('p', { class: 'form-error error span-all', role: 'alert', hidden: true }),
    h('div', { class: 'span-all actions' },
      h('button', { type: 'submit', id: 'password-submit' }, t('settings.setPassword')),
      h('span', { id: 'password-done', class: 'muted small', role: 'status', 'aria-live': 'polite' })));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFormErrors(form);
    document.getElementById('password-done').textContent = '';
    const values = Object.fromEntries(new FormData(form));
    if (values.new_password !== values.repeat_password) {
      showFormError(form, new ApiError(400, 'invalid', `repeat_password: ${t('settings.passwordMismatch')}`));
      return;
    }
    const body = { new_password: values.new_password };
    if (passwordIsSet) body.current_password = values.current_password;
    const submit = form.querySelector('[type="submit"]');
    submit.disabled = true;
    try {
      await api('/api/owner/password', { method: 'PUT', body });
      form.reset();
      document.getElementById('password-done').textContent = t('settings.passwordSaved');
      await loadPassword();
    } catch (error) {
      if (!(error instanceof SignedOut)) showFormError(form, error);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

async function loadPassword() {
  const { is_set: isSet } = await api('/api/owner/password');
  passwordIsSet = isSet;
  document.getElementById('password-state').textContent = isSet ? t('settings.passwordSet') : t('settings.passwordUnset');
  document.getElementById('pw-current-field').hidden = !isSet;
  document.getElementById('password-submit').textContent = isSet ? t('settings.changePassword') : t('settings.setPassword');
}

function importForm() {
  const file = h('input', { id: 'import-file', name: 'file', type: 'file', accept: 'application/json,.json' });
  const form = h('form', { id: 'import-form', class: 'inline-form', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: file.id }, t('settings.importLabel')), file),
    h('button', { type: 'submit', class: 'secondary' }, t('settings.importButton')),
    h('span', { id: 'import-status', class: 'muted small', role: 'status', 'aria-live': 'polite' }),
    h('p', { class: 'form-error error', role: 'alert', hidden: true }));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFormErrors(form);
    const status = document.getElementById('import-status');
    status.textContent = '';
    const chosen = file.files[0];
    if (!chosen) {
      showFormError(form, new ApiError(400, 'invalid', `file: ${t('settings.importPick')}`));
      return;
    }
    let doc;
    try {
      doc = JSON.parse(await chosen.text());
    } catch (error) {
      showFormError(form, new ApiError(400, 'invalid', `file: ${t('settings.importNotJson', { message: error.message })}`));
      return;
    }
    const submit = form.querySelector('[type="submit"]');
    submit.disabled = true;
    status.textContent = t('settings.importing');
    try {
      await api('/api/import', { method: 'POST', body: doc, timeoutMs: 120000 });
      status.textContent = t('settings.imported');
    } catch (error) {
      status.textContent = '';
      if (error instanceof SignedOut) return;
      // The core's messages name no form field: show them beside the file input.
      showFormError(form, new ApiError(error.status ?? 400, error.code ?? 'invalid', `file: ${describeError(error)}`));
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

/** POSIX shell quoting, for the restore command the owner copies. */
function quote(value) {
  return `'${value.replaceAll("'", "'\\''")}'`;
}

let dataDir = '';

async function loadBackups() {
  const list = document.getElementById('backup-list');
  const { dir, backups } = await api('/api/backups');
  document.getElementById('settings-backup-dir').textContent = dir;
  list.removeAttribute('aria-busy');
  if (backups.length === 0) {
    list.replaceChildren(h('li', { class: 'empty muted' }, t('settings.noBackups')));
    return;
  }
  list.replaceChildren(...backups.map((b) => {
    const command = `trek --data-dir ${quote(dataDir)} db restore ${quote(b.path)}`;
    const code = h('code', { class: 'restore-command' }, command);
    const status = h('span', { class: 'muted small', role: 'status', 'aria-live': 'polite' });
    const name = b.path.split(/[\\/]/).pop();
    return h('li', { class: 'backup', dataset: { kind: b.kind } },
      h('div', { class: 'row-item' },
        h('div', { class: 'row-main' },
          h('strong', {}, formatDate(b.taken_at)),
          h('span', { class: 'tag' }, t(`settings.kind.${b.kind}`)),
          h('span', { class: 'muted small' }, t('settings.size', { kb: Math.max(1, Math.round(b.bytes / 1024)) })),
          h('span', { class: 'row-meta muted small' }, name))),
      h('details', { class: 'restore' },
        h('summary', { 'aria-label': t('settings.restoreNamed', { date: formatDate(b.taken_at) }) }, t('settings.restore')),
        restoreNow(name, b.taken_at),
        h('p', { class: 'small muted' }, t('settings.restoreOffline')),
        h('p', { class: 'copy-row' }, code,
          h('button', { type: 'button', class: 'secondary small', onclick: () => copyText(command, status, code) }, t('settings.restoreCopy')),
          status)));
  }));
}

/** "Restore this backup" (asks twice); on success the page reloads onto the restored data. */
function restoreNow(name, takenAt) {
  const status = h('span', { class: 'muted small', role: 'status', 'aria-live': 'polite' });
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  const button = confirmButton(t('settings.restoreNow'), t('settings.restoreArmed'), async () => {
    error.hidden = true;
    status.textContent = t('settings.restoring');
    try {
      await api('/api/backups/restore', { method: 'POST', body: { name }, timeoutMs: 120000 });
      status.textContent = t('settings.restored');
      setTimeout(() => location.reload(), 600);
    } catch (e) {
      if (e instanceof SignedOut) return;
      status.textContent = '';
      error.textContent = describeError(e);
      error.hidden = false;
    }
  }, { class: 'danger restore-now', 'aria-label': t('settings.restoreNamedNow', { date: formatDate(takenAt) }) });
  return h('div', {},
    h('p', { class: 'small' }, t('settings.restoreHow')),
    h('p', { class: 'actions' }, button, status),
    error);
}

async function backupNow(event) {
  const button = event.currentTarget;
  const status = document.getElementById('backup-status');
  const errorEl = document.getElementById('backup-error');
  errorEl.hidden = true;
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  status.textContent = t('settings.backingUp');
  try {
    const backup = await api('/api/backups', { method: 'POST', timeoutMs: 120000 });
    status.textContent = t('settings.backedUp', { path: backup.path });
    await loadBackups();
  } catch (error) {
    if (error instanceof SignedOut) return;
    status.textContent = '';
    errorEl.textContent = describeError(error);
    errorEl.hidden = false;
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}

export async function show() {
  if (!built) build();
  root().hidden = false;
  document.getElementById('settings-title').focus({ preventScroll: true });
  const errorEl = document.getElementById('settings-error');
  errorEl.hidden = true;
  try {
    const status = await api('/api/status');
    dataDir = status.data_dir;
    document.getElementById('settings-data-dir').textContent = status.data_dir;
    document.getElementById('settings-version').textContent = status.version;
    document.getElementById('settings-mcp-url').textContent = status.mcp_url;
    document.getElementById('settings-local-url').textContent = status.local_url;
    await Promise.all([loadPassword(), loadBackups(), publicAccess.load(), loadAddons(), showAppSettings()]);
  } catch (error) {
    if (error instanceof SignedOut) return;
    errorEl.textContent = t('settings.cannotLoad', { message: describeError(error) });
    errorEl.hidden = false;
  }
}

export function hide() {
  root().hidden = true;
}
