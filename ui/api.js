// The one way the UI talks to the core: same-origin fetch, JSON in and out, `{error, message}`
// errors as `ApiError`, and 401 as a signed-out event the page reacts to once.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** Thrown (and announced once through `onSignedOut`) when the owner session is gone. */
export class SignedOut extends Error {
  constructor() {
    super('signed out');
  }
}

let signedOutHandler = () => {};
let signedOutSeen = false;

export function onSignedOut(handler) {
  signedOutHandler = handler;
}

/**
 * `api('/api/x')`, `api('/api/x', { method: 'POST', body: {...} })`.
 * Returns the parsed JSON (or null for 204). `timeoutMs` bounds the whole request.
 */
export async function api(path, { method = 'GET', body, timeoutMs = 10000 } = {}) {
  const headers = { Accept: 'application/json' };
  const init = { method, credentials: 'same-origin', headers, signal: AbortSignal.timeout(timeoutMs) };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  if (response.status === 401) {
    if (!signedOutSeen) {
      signedOutSeen = true;
      signedOutHandler();
    }
    throw new SignedOut();
  }
  if (!response.ok) {
    const error = await response.json().catch(() => ({}));
    throw new ApiError(response.status, error.error ?? 'http_error',
      error.message ?? `Trek answered HTTP ${response.status}`);
  }
  return response.status === 204 ? null : response.json();
}

/** A message for the owner from anything `api` can throw. */
export function describeError(error) {
  if (error instanceof ApiError) return error.message;
  if (error?.name === 'TimeoutError' || error?.name === 'AbortError') return 'Trek did not answer in time; try again.';
  return 'Trek is not reachable; try again.';
}
