// Issue 9 §4 (B2): the offline meeting pack. Today's and tomorrow's meetings with attendees and
// contact cards (GET /meetings/pack, one request), kept so that during an outage the panel opens
// any of them, never opened before, and takes notes in it. One key, overwritten on each refresh
// and bounded by the server (50 meetings, 500 contacts); it names its user and server, and
// sign-out and sign-in remove it.
import { api } from './api.js';

export const PACK_KEY = 'meetingPack';

export async function savePack(owner, me) {
  const { meetings, contacts } = await api('/meetings/pack');
  const pack = { ...owner, me, at: Date.now(), meetings, contacts };
  await chrome.storage.local.set({ [PACK_KEY]: pack });
  return pack;
}

// The pack of this user on this server, else null: another user's is never shown.
export async function readPack(owner) {
  const { [PACK_KEY]: pack } = await chrome.storage.local.get(PACK_KEY);
  return owner && pack?.server_url === owner.server_url && pack.user_id === owner.user_id ? pack : null;
}
