// Sign in without copy-pasting a token: the server's /extension/authorize page (behind its own
// sign-in) redirects to our signed-in page with #token=...&state=...; `state` proves we asked.
import { api } from './api.js';
import { OWNER_KEY, isOrphan, knownOwner, pending } from './outbox.js';
import { PACK_KEY } from './pack.js';
import { getSettings } from './settings.js';

export const SIGNED_IN_PAGE = 'extension/options/signed-in.html';

// This browser profile's own random id, made once: signing in again replaces only the token
// issued to it, so the extension in another profile or on another computer stays signed in.
async function installationId() {
  const { installationId: known } = await chrome.storage.local.get('installationId');
  if (known) return known;
  const made = crypto.randomUUID();
  await chrome.storage.local.set({ installationId: made });
  return made;
}

export async function startSignIn() {
  const { serverUrl } = await getSettings();
  const state = crypto.randomUUID();
  await chrome.storage.local.set({ pendingSignIn: { state, serverUrl, at: Date.now() } });
  const url = new URL(serverUrl + '/extension/authorize');
  url.searchParams.set('redirect_uri', chrome.runtime.getURL(SIGNED_IN_PAGE));
  url.searchParams.set('state', state);
  url.searchParams.set('installation', await installationId());
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
  await chrome.storage.local.remove([OWNER_KEY, PACK_KEY, 'pendingSignIn']);
  await chrome.storage.local.set({ token });
  return true;
}

// The server revokes the token first (a shared computer keeps no working token); offline or
// already revoked, the extension forgets it all the same. The user's pending notes stay in
// the outbox, theirs alone, for their next sign-in (B9); options.js offers to send them first.
export async function signOut() {
  await api('/me/token', { method: 'DELETE' }).catch(() => {});
  await chrome.storage.local.remove(['token', OWNER_KEY, PACK_KEY]);  // the pack too (issue 9 §4)
}

// The signed-in user's notes still waiting to be sent (not the ones the server refused).
export async function pendingAtSignOut() {
  const owner = await knownOwner();
  return owner ? (await pending(null, owner, null)).filter((i) => !i.error && !isOrphan(i)).length : 0;
}
