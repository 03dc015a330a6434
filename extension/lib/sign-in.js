// Sign in without copy-pasting a token: the server's /extension/authorize page (behind its own
// sign-in) redirects to our signed-in page with #token=...&state=...; `state` proves we asked.
import { getSettings } from './settings.js';

export const SIGNED_IN_PAGE = 'extension/options/signed-in.html';

export async function startSignIn() {
  const { serverUrl } = await getSettings();
  const state = crypto.randomUUID();
  await chrome.storage.local.set({ pendingSignIn: { state, serverUrl, at: Date.now() } });
  const url = new URL(serverUrl + '/extension/authorize');
  url.searchParams.set('redirect_uri', chrome.runtime.getURL(SIGNED_IN_PAGE));
  url.searchParams.set('state', state);
  await chrome.tabs.create({ url: url.href });
}

// Accept the token only for the sign-in we started, within 30 minutes, for the same server.
export async function finishSignIn(hash) {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const { pendingSignIn } = await chrome.storage.local.get('pendingSignIn');
  const { serverUrl } = await getSettings();
  const token = params.get('token');
  const fresh = pendingSignIn && Date.now() - pendingSignIn.at < 30 * 60 * 1000;
  if (!token || !fresh || params.get('state') !== pendingSignIn.state
      || pendingSignIn.serverUrl !== serverUrl) {
    return false;
  }
  await chrome.storage.local.set({ token });
  await chrome.storage.local.remove('pendingSignIn');
  return true;
}
