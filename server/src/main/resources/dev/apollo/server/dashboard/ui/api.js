// The control plane's REST API (docs/API.md) as the browser reaches it: /dashboard/v1/... with the
// session cookie, and the session's CSRF token on every write. Errors carry the API's own message.

const BASE = '/dashboard/v1';
let csrf = null;
const TIMEOUT_MS = 20000;

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** Reads the session's CSRF token; false when the browser is not logged in. */
export async function startSession() {
  const response = await fetch('/dashboard/session', {credentials: 'same-origin', cache: 'no-store'});
  if (!response.ok) return false;
  csrf = (await response.json()).csrf;
  return true;
}

export async function logout() {
  await fetch('/dashboard/logout', {method: 'POST', credentials: 'same-origin', headers: {'X-Apollo-CSRF': csrf || ''}});
}

/** GET path → parsed JSON. */
export function get(path) {
  return call('GET', path);
}

/** A write: method, path, and a body sent as JSON (none when undefined). */
export function send(method, path, body) {
  return call(method, path, body);
}

async function call(method, path, body) {
  const headers = {'Accept': 'application/json'};
  if (method !== 'GET') headers['X-Apollo-CSRF'] = csrf || '';
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  let text;
  try {
    // A bounded wait: a request that never ends would otherwise hold one of the browser's few
    // connections to this host, and the view's next reload would queue behind it.
    const signal = AbortSignal.timeout(TIMEOUT_MS);
    response = await fetch(BASE + path, {
      method, headers, credentials: 'same-origin', cache: 'no-store', signal,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    text = await response.text();
  } catch (e) {
    throw new ApiError(0, 'unreachable', e.name === 'TimeoutError'
      ? method + ' ' + path + ': the control plane did not answer within ' + TIMEOUT_MS / 1000 + ' s.'
      : 'the control plane does not answer (' + e.message + '); is it running?');
  }
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { /* not JSON: said below */ }
  if (!response.ok) {
    if (response.status === 401) location.reload(); // the session ended: the server shows the login page
    throw new ApiError(response.status, json?.error ?? 'error', json?.message ?? ('HTTP ' + response.status + ': ' + text));
  }
  return json;
}

/** Path of one service in one environment, each part encoded. */
export function servicePath(environment, service, rest = '') {
  return '/environments/' + encodeURIComponent(environment) + '/services/' + encodeURIComponent(service) + rest;
}

/** An EventSource on the ordered event stream, after the given event id. */
export function events(after) {
  return new EventSource(BASE + '/events?after=' + encodeURIComponent(after));
}

/** Follows a text stream (logs): calls onLine for every line until the returned abort function is called. */
export function follow(path, onLine, onEnd) {
  const controller = new AbortController();
  (async () => {
    try {
      const response = await fetch(BASE + path, {credentials: 'same-origin', signal: controller.signal});
      if (!response.ok) {
        const json = await response.json().catch(() => null);
        throw new ApiError(response.status, json?.error ?? 'error', json?.message ?? 'HTTP ' + response.status);
      }
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let pending = '';
      for (;;) {
        const {value, done} = await reader.read();
        if (done) break;
        pending += value;
        const lines = pending.split('\n');
        pending = lines.pop();
        lines.forEach(onLine);
      }
      onEnd(null);
    } catch (e) {
      if (e.name !== 'AbortError') onEnd(e);
    }
  })();
  return () => controller.abort();
}
