// The live change stream (`GET /api/events`, server-sent events). Views subscribe with a handler
// that gets each committed change (`{entity, action, id, trip_id}`) and `null` when they should
// reload everything (the stream fell behind, or reconnected after missing events).

const handlers = new Set();
let source = null;
let hadError = false;
let stateListener = () => {};

/** `listener('live' | 'reconnecting')` when the stream's state changes. */
export function onState(listener) {
  stateListener = listener;
}

export function start() {
  if (source) return;
  source = new EventSource('/api/events');
  source.addEventListener('open', () => {
    stateListener('live');
    // Changes made while the stream was down were missed: reload what is on screen.
    if (hadError) emit(null);
    hadError = false;
  });
  source.addEventListener('error', () => {
    hadError = true;
    stateListener('reconnecting');
  });
  source.addEventListener('change', (event) => {
    let change;
    try {
      change = JSON.parse(event.data);
    } catch {
      return;
    }
    emit(change);
  });
  source.addEventListener('reload', () => emit(null));
}

export function stop() {
  source?.close();
  source = null;
}

function emit(change) {
  for (const handler of handlers) {
    try {
      handler(change);
    } catch (error) {
      console.error(error);
    }
  }
}

/** Subscribes `handler(change | null)`; returns the unsubscribe function. */
export function subscribe(handler) {
  handlers.add(handler);
  return () => handlers.delete(handler);
}

/** `fn` delayed until `ms` passed without another call (bursts of changes → one reload). */
export function debounce(fn, ms = 150) {
  let timer = null;
  const run = (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
  run.cancel = () => clearTimeout(timer);
  return run;
}
