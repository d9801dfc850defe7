// Password login for a headless Trek.

import { t, localize } from './public/i18n.js';

localize();

const form = document.getElementById('login');
const error = document.getElementById('login-error');

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  error.hidden = true;
  const password = document.getElementById('password').value;
  const response = await fetch('/auth/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ password }),
  });
  if (response.ok) {
    location.assign('/');
    return;
  }
  const body = await response.json().catch(() => ({}));
  error.textContent = body.message ?? t('login.failed', { status: response.status });
  error.hidden = false;
});
