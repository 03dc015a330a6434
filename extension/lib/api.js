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

export async function api(path, { method = 'GET', body, query } = {}) {
  const { serverUrl, token } = await getSettings();
  if (!token) throw new ApiError('auth', 401, 'Not signed in');
  const url = new URL(serverUrl + '/api/v1' + path);
  for (const [key, value] of Object.entries(query || {})) {
    if (value !== undefined && value !== null && value !== '') url.searchParams.set(key, value);
  }
  const headers = { Authorization: `Bearer ${token}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(url, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw new ApiError('offline', 0, error.message);
  }
  if (response.status === 204) return null;
  const data = await response.json().catch(() => null);
  if (response.ok) return data;
  const kind = response.status === 401 ? 'auth' : response.status >= 500 ? 'offline' : 'http';
  throw new ApiError(kind, response.status, data?.message || response.statusText, data?.errors);
}

// Attendee e-mails go into a path segment; keep '@' readable but escape everything else.
export function emailSegment(email) {
  return encodeURIComponent(email).replace(/%40/g, '@');
}
