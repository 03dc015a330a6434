// Notes waiting for the server (B2). One storage key per note, so the panel adding a note
// and the service worker removing another can never overwrite each other's writes.
import { api } from './api.js';

const PREFIX = 'outbox:';

export async function enqueue(meetingId, body) {
  const item = {
    client_id: crypto.randomUUID(), meeting_id: meetingId, body,
    queued_at: new Date().toISOString(), error: null,
  };
  await chrome.storage.local.set({ [PREFIX + item.client_id]: item });
  return item;
}

export async function pending(meetingId) {
  const all = await chrome.storage.local.get(null);
  return Object.entries(all)
    .filter(([key, item]) => key.startsWith(PREFIX) && (meetingId == null || item.meeting_id === meetingId))
    .map(([, item]) => item)
    .sort((a, b) => a.queued_at.localeCompare(b.queued_at));
}

export function discard(clientId) {
  return chrome.storage.local.remove(PREFIX + clientId);
}

export function isOutboxChange(changes) {
  return Object.keys(changes).some((key) => key.startsWith(PREFIX));
}

// Send queued notes oldest first, including notes queued meanwhile; stop at the first outage.
// The server's client_id idempotency makes a repeated send (e.g. after a lost response)
// return the stored note instead of a second one.
export async function flush() {
  const delivered = [];
  const tried = new Set();
  for (;;) {
    // Notes the server refused (4xx) stay for the user to see, and are not retried.
    const item = (await pending()).find((i) => !i.error && !tried.has(i.client_id));
    if (!item) return { delivered, remaining: false };
    tried.add(item.client_id);
    try {
      const note = await api(`/meetings/${item.meeting_id}/notes`, {
        method: 'POST', body: { body: item.body, client_id: item.client_id },
      });
      await discard(item.client_id);
      delivered.push(note);
    } catch (error) {
      if (error.kind !== 'http') return { delivered, remaining: true };
      await chrome.storage.local.set({ [PREFIX + item.client_id]: { ...item, error: error.message } });
    }
  }
}
