// A hash router: `#/trips`, `#/trips/ID`, `#/connections`, `#/settings`. Views are plain objects with
// `show(params)` and `hide()`; the router shows one at a time and tells listeners.

const routes = [
  { pattern: /^#\/trips\/(\d+)$/, view: 'trip', params: (m) => ({ id: Number(m[1]) }) },
  { pattern: /^#\/trips\/?$/, view: 'trips', params: () => ({}) },
  { pattern: /^#\/connections\/?$/, view: 'connections', params: () => ({}) },
  { pattern: /^#\/settings\/?$/, view: 'settings', params: () => ({}) },
];

/** The route for a hash: `{ view, params }`, or `{ view: null }` for an empty or unknown one. */
export function parse(hash) {
  for (const route of routes) {
    const match = route.pattern.exec(hash);
    if (match) return { view: route.view, params: route.params(match) };
  }
  return { view: null, params: {}, unknown: hash !== '' && hash !== '#' && hash !== '#/' };
}

export function tripHref(id) {
  return `#/trips/${id}`;
}

/** Replaces the current hash without a history entry (and routes to it). */
export function redirect(hash) {
  history.replaceState(null, '', hash);
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}

/** Goes to `hash` (a history entry). */
export function navigate(hash) {
  if (location.hash === hash) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else location.hash = hash;
}

/** Calls `handler(route)` now and on every hash change. */
export function start(handler) {
  window.addEventListener('hashchange', () => handler(parse(location.hash)));
  handler(parse(location.hash));
}
