// Notes waiting for the server (B2). One storage key per note, so the panel adding a note
// and the service worker removing another can never overwrite each other's writes.
// Each note belongs to the user and server it was typed for (B9): it is only ever sent with
// that user's token, so a note typed by one rep is never posted by the next one to sign in.
import { api } from './api.js';
import { getSettings } from './settings.js';

const PREFIX = 'outbox:';
export const STATUS_KEY = 'outboxStatus';  // the worker's last word: unreachable/sending/sent
export const MAX_NOTE = 20000;  // the server's limit, in characters (code points)

// owner: { server_url, user_id } of the signed-in user who typed the note. extra: a task
// ({ kind: 'task', reminder }) goes through the same queue, once, with its author (B2, B9).
export async function enqueue(meetingId, body, owner, extra = {}) {
  const now = new Date().toISOString();
  const item = {
    client_id: crypto.randomUUID(), meeting_id: meetingId, body, ...owner,
    typed_at: now, queued_at: now, error: null, ...extra,
  };
  await chrome.storage.local.set({ [PREFIX + item.client_id]: item });
  return item;
}

// A note queued before notes named their user (user_id missing) is shown to whoever signs in,
// as one to copy or discard, and never sent: its author cannot be known (B9).
export const isOrphan = (item) => item.user_id == null;
const ownedBy = (owner) => (item) => owner != null && (isOrphan(item)
  || (item.server_url === owner.server_url && item.user_id === owner.user_id));
// A conflicting edit waits for the rep to choose a text (issue 11 §4).
const sendable = (item) => !item.error && !item.conflict && !isOrphan(item);

// A task is queued like a note (issue 11 §2), kind 'task'.
export const isTask = (item) => item.kind === 'task';

// Issue 11 §4: an edit of a stored note, one per note (a newer edit replaces it), sent with
// the version it was based on; the server answers 409 if the note changed since.
export async function enqueueEdit(note, body, owner, basedOn = note.updated_at) {
  const now = new Date().toISOString();
  const item = {
    kind: 'edit', client_id: `edit-${note.id}`, note_id: note.id, meeting_id: note.meeting_id,
    body, based_on: basedOn, ...owner, typed_at: now, queued_at: now, error: null, conflict: null,
  };
  await chrome.storage.local.set({ [PREFIX + item.client_id]: item });
  return item;
}

// A delete of a stored note, queued like an edit (one per note) with the version the rep saw:
// a note changed on the server since is not deleted (409). It replaces the note's unsent edit
// (the rep deletes the note, not the edit); sent after anything queued before it.
export async function enqueueDelete(note, owner, basedOn = note.updated_at) {
  const now = new Date().toISOString();
  const edit = (await chrome.storage.local.get(`${PREFIX}edit-${note.id}`))[`${PREFIX}edit-${note.id}`];
  const item = {
    kind: 'delete', client_id: `delete-${note.id}`, note_id: note.id, meeting_id: note.meeting_id,
    body: note.body, based_on: edit && !edit.conflict ? edit.based_on : basedOn, ...owner,
    typed_at: now, queued_at: now, error: null, conflict: null,
  };
  await chrome.storage.local.set({ [PREFIX + item.client_id]: item });
  if (edit) await discard(edit.client_id);
  return item;
}

// The owner's notes (of one meeting, or all), oldest first; owner null: every note. kind:
// 'note' (new notes), 'task', 'edit' (edits of stored notes), 'delete' or null (all).
export async function pending(meetingId, owner, kind = 'note') {
  const all = await chrome.storage.local.get(null);
  return Object.entries(all)
    .filter(([key, item]) => key.startsWith(PREFIX) && (meetingId == null || item.meeting_id === meetingId))
    .map(([, item]) => item)
    .filter((item) => kind == null || (item.kind || 'note') === kind)
    .filter(owner === undefined ? () => true : ownedBy(owner))
    .sort((a, b) => (a.typed_at || a.queued_at).localeCompare(b.typed_at || b.queued_at));
}

export function discard(clientId) {
  return chrome.storage.local.remove(PREFIX + clientId);
}

export function isOutboxChange(changes) {
  return Object.keys(changes).some((key) => key.startsWith(PREFIX) || key === STATUS_KEY);
}

export async function outboxStatus() {
  return (await chrome.storage.local.get(STATUS_KEY))[STATUS_KEY] || null;
}

function setStatus(state, count = 0) {
  return chrome.storage.local.set({ [STATUS_KEY]: { state, count, at: Date.now() } });
}

// Who the stored token belongs to, asked of the server with that very token: the notes sent
// next go with the same token, so a sign-in happening meanwhile cannot change their author.
export async function currentOwner() {
  const auth = await getSettings();
  if (!auth.token) return null;
  const me = await api('/me', { auth });
  const owner = { server_url: auth.serverUrl, user_id: me.user.id };
  await rememberOwner(owner);
  return { owner, auth };
}

// The signed-in user as last seen (not a secret): sign-out counts their notes with it even
// when the server cannot be asked. Sign-in and sign-out forget it (lib/sign-in.js).
export const OWNER_KEY = 'signedInUser';

export function rememberOwner(owner) {
  return chrome.storage.local.set({ [OWNER_KEY]: owner });
}

export async function knownOwner() {
  return (await chrome.storage.local.get(OWNER_KEY))[OWNER_KEY] || null;
}

// Send the signed-in user's queued notes oldest first, including notes queued meanwhile; stop
// at the first outage. The server's client_id idempotency makes a repeated send (e.g. after a
// lost response) return the stored note instead of a second one.
export async function flush() {
  const delivered = [];
  const tasks = [];
  if (!(await pending(null, undefined, null)).some(sendable)) return { delivered, tasks, remaining: false };
  let who;
  try {
    who = await currentOwner();
  } catch (error) {
    if (error.kind !== 'offline') return { delivered, tasks, remaining: false };  // signed out: wait
    await setStatus('unreachable', (await pending(null, undefined, null)).length);
    return { delivered, tasks, remaining: true };
  }
  if (!who) return { delivered, tasks, remaining: false };  // nobody signed in: keep every note
  const tried = new Set();
  let refused = false;
  for (;;) {
    // Notes the server refused (4xx) stay for the user to see, and are not retried.
    const waiting = (await pending(null, who.owner, null)).filter((i) => sendable(i) && !tried.has(i.client_id));
    if (!waiting.length) {
      // 'sent' only when every note went; a refused one says so on its own row.
      if (tried.size) await setStatus(refused ? 'refused' : 'sent');
      return { delivered, tasks, remaining: false };
    }
    const item = waiting[0];
    await setStatus('sending', waiting.length);
    tried.add(item.client_id);
    try {
      // A task is the line as typed: the server reads its due date relative to typed_at.
      const sent = isTask(item)
        ? await api('/tasks', { method: 'POST', auth: who.auth, body: {
          text: item.body, meeting_id: item.meeting_id ?? undefined, client_id: item.client_id,
          typed_at: item.typed_at, reminder: Boolean(item.reminder) } })
        : item.kind === 'delete'
        ? await api(`/notes/${item.note_id}`, {
          method: 'DELETE', auth: who.auth, query: { based_on: item.based_on },
        })
        : item.kind === 'edit'
        ? await api(`/notes/${item.note_id}`, {
          method: 'PATCH', auth: who.auth, body: { body: item.body, based_on: item.based_on },
        })
        : await api(`/meetings/${item.meeting_id}/notes`, {
          method: 'POST', auth: who.auth,
          body: { body: item.body, client_id: item.client_id, typed_at: item.typed_at },
        });
      await discard(item.client_id);
      (isTask(item) ? tasks : delivered).push(sent);
    } catch (error) {
      if (error.kind === 'auth') return { delivered, tasks, remaining: false };  // token revoked: keep
      if (error.kind !== 'http') {
        await setStatus('unreachable', waiting.length);
        return { delivered, tasks, remaining: true };
      }
      if (item.kind === 'delete' && error.status === 404) {
        // Already gone: an earlier attempt deleted it and its answer was lost (or it was
        // deleted elsewhere). Either way the rep's delete is done.
        await discard(item.client_id);
        continue;
      }
      if ((item.kind === 'edit' || item.kind === 'delete') && error.status === 409) {
        // Changed on the server since: keep both texts; the panel asks which one stays.
        const conflict = { body: error.fields?.body?.[0] ?? '', updated_at: error.fields?.updated_at?.[0] };
        await chrome.storage.local.set({ [PREFIX + item.client_id]: { ...item, conflict } });
        continue;
      }
      refused = true;
      const refusal = { status: error.status, message: error.message, fields: error.fields };
      await chrome.storage.local.set({ [PREFIX + item.client_id]: { ...item, error: refusal } });
    }
  }
}
