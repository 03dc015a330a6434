// The Meetside /api/v1 client shared by the panel, the options page and the service worker.
import { getSettings } from './settings.js';

// kind: 'auth' (no or bad token), 'offline' (network or server down: retry later), 'http' (4xx).
export class ApiError extends Error {
  constructor(kind, status, message, fields = {}) {
    super(message);
    this.kind = kind;
    this.status = status;
    this.fields = fields;
  }
}

// Every request gives up after this long: a server that accepts the connection and never
// answers (stalled, or a captive portal) must end in the error state with Retry, never in an
// endless skeleton (issue 9). Counted until the body is read, which can stall too.
export const REQUEST_TIMEOUT_MS = 10000;

// auth: { serverUrl, token } to use instead of the stored ones (the outbox sends a note only
// with the token of the user who typed it).
export async function api(path, { method = 'GET', body, query, auth } = {}) {
  const { serverUrl, token } = auth || await getSettings();
  if (!token) throw new ApiError('auth', 401, 'Not signed in');
  const url = new URL(serverUrl + '/api/v1' + path);
  for (const [key, value] of Object.entries(query || {})) {
    for (const one of [value].flat()) {  // an array repeats the key (?email=a&email=b)
      if (one !== undefined && one !== null && one !== '') url.searchParams.append(key, one);
    }
  }
  const headers = { Authorization: `Bearer ${token}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
  try {
    let response;
    try {
      response = await fetch(url, {
        method, headers, body: body === undefined ? undefined : JSON.stringify(body),
        signal: controller.signal,
      });
    } catch (error) {
      throw offline(error, controller);
    }
    if (response.status === 204) return null;
    let data = null;
    try {
      data = await response.json();
    } catch (error) {
      if (controller.signal.aborted) throw offline(error, controller);
    }
    if (response.ok) return data;
    const kind = response.status === 401 ? 'auth' : response.status >= 500 ? 'offline' : 'http';
    throw new ApiError(kind, response.status, data?.message || response.statusText, data?.errors);
  } finally {
    clearTimeout(timer);
  }
}

// A network failure or a timeout: both 'offline' (retry later; the notes outbox keeps the note),
// a timeout marked so the panel can say the server did not answer.
function offline(error, controller) {
  const failure = new ApiError('offline', 0, error.message);
  failure.timedOut = controller.signal.aborted;
  return failure;
}

// Attendee e-mails go into a path segment; keep '@' readable but escape everything else.
export function emailSegment(email) {
  return encodeURIComponent(email).replace(/%40/g, '@');
}
