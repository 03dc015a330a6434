// Settings and the API token live in chrome.storage.local, never in page or worker globals.
export const DEFAULT_SERVER_URL = 'http://127.0.0.1:5000';

// Turn what the user typed into a bare origin ("http://host:port"); throws on anything else.
export function normalizeServerUrl(value) {
  const url = new URL(String(value || '').trim());
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError('http(s) only');
  return url.origin;
}

export async function getSettings() {
  const { serverUrl, token } = await chrome.storage.local.get(['serverUrl', 'token']);
  return { serverUrl: serverUrl || DEFAULT_SERVER_URL, token: token || null };
}

// A different server means a different account: drop the old token with it.
export async function setServerUrl(value) {
  const serverUrl = normalizeServerUrl(value);
  const { serverUrl: old } = await getSettings();
  if (serverUrl !== old) await chrome.storage.local.remove('token');
  await chrome.storage.local.set({ serverUrl });
  return serverUrl;
}
