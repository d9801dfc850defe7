// Calendar dates as the API sends them (`YYYY-MM-DD`, no time zone) formatted for people.

/** `YYYY-MM-DD` → a local Date at midnight (no UTC shift), or null. */
export function parseIsoDate(value) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value ?? '');
  return match ? new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : null;
}

const full = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
const dayMonth = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const weekday = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short' });

/** "1 Apr 2027 – 7 Apr 2027" shortened to "1 – 7 Apr 2027" where the formatter allows. */
export function formatRange(start, end) {
  const s = parseIsoDate(start);
  const e = parseIsoDate(end);
  if (!s && !e) return 'No dates yet';
  if (!e || start === end) return full.format(s ?? e);
  if (!s) return full.format(e);
  if (typeof full.formatRange === 'function') return full.formatRange(s, e);
  return `${dayMonth.format(s)} – ${full.format(e)}`;
}

/** "Thu, 1 Apr". */
export function formatDay(value) {
  const d = parseIsoDate(value);
  return d ? weekday.format(d) : '';
}

/** Whether a trip's last day is before today. */
export function isPast(end) {
  const e = parseIsoDate(end);
  if (!e) return false;
  const today = new Date();
  today.setHours(0, 0, 0, 0);
  return e < today;
}

/** Days from today to `start` (0 today, negative when started), or null. */
export function daysUntil(start) {
  const s = parseIsoDate(start);
  if (!s) return null;
  const today = new Date();
  today.setHours(0, 0, 0, 0);
  return Math.round((s - today) / 86400000);
}

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

/** "tomorrow", "in 5 days", "in 3 weeks", "in 4 months", "in 2 years" for a future day count. */
export function formatUntil(days) {
  if (days < 14) return relative.format(days, 'day');
  if (days < 60) return relative.format(Math.round(days / 7), 'week');
  if (days < 365) return relative.format(Math.round(days / 30.44), 'month');
  return relative.format(Math.round(days / 365.25), 'year');
}
