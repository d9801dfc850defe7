// The public page of a journey's share link: reads the token from the address, fetches
// /api/share/journey/{token} and draws the entries by date. Text only (h() never parses HTML).

import { h } from './dom.js';
import { formatDay } from './dates.js';

const token = location.pathname.split('/').filter(Boolean).pop() ?? '';

function entry(e) {
  const about = [e.trip_title, e.place_name].filter(Boolean).join(' · ');
  return h('li', { class: 'card journey-entry' },
    h('header', { class: 'day-head' },
      h('h3', {}, e.title || formatDay(e.date)),
      h('span', { class: 'muted small' }, e.title ? formatDay(e.date) : null, e.author_name ? ` · ${e.author_name}` : null)),
    about ? h('p', { class: 'muted small' }, about) : null,
    h('p', { class: 'journey-body' }, e.body));
}

async function load() {
  const loading = document.getElementById('journey-loading');
  const errorEl = document.getElementById('journey-error');
  try {
    const response = await fetch(`/api/share/journey/${encodeURIComponent(token)}`, { headers: { accept: 'application/json' } });
    const body = await response.json();
    if (!response.ok) throw new Error(body.message ?? `HTTP ${response.status}`);
    document.title = `${body.title} · Trek`;
    const article = document.getElementById('journey');
    article.append(
      h('header', { class: 'card' }, h('h1', {}, body.title), body.description ? h('p', {}, body.description) : null),
      body.entries.length === 0
        ? h('p', { class: 'muted' }, 'No entries yet.')
        : h('ol', { class: 'journey-entries' }, body.entries.map(entry)));
    article.hidden = false;
  } catch (error) {
    errorEl.textContent = error.message;
    errorEl.hidden = false;
  } finally {
    loading.hidden = true;
  }
}

load();
