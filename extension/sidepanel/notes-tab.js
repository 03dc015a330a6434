// R20 + B2: Enter posts (Shift+Enter is a newline); the note shows at once and is confirmed
// by the server. Notes are queued in storage first, so an outage never loses one.
import { api } from '../lib/api.js';
import { h } from '../lib/dom.js';
import { dateTime } from '../lib/format.js';
import { t } from '../lib/i18n.js';
import { discard, enqueue, pending } from '../lib/outbox.js';

export function notesTab(ctx, meetingId) {
  const list = h('ul.rows.notes');
  const status = h('p.sub', { hidden: true, role: 'status' });
  const box = h('textarea', {
    placeholder: t('notePlaceholder'), 'aria-label': t('notePlaceholder'), maxLength: 20000,
  });
  const node = h('section', null, status, list, h('div.composer', null, box, h('p.sub', null, t('noteHint'))));
  let confirmed = [];  // from the server, oldest first
  let queued = [];  // still in the outbox
  const sending = new Set();  // client_ids being sent right now by this panel

  box.addEventListener('keydown', (event) => {
    // isComposing: Enter that confirms an IME candidate (zh-TW input) must not post.
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    const body = box.value.trim();
    if (body) {
      box.value = '';
      submit(body);
    }
  });

  async function submit(body) {
    const item = await enqueue(meetingId, body);
    sending.add(item.client_id);
    queued.push(item);
    render();
    const result = await chrome.runtime.sendMessage({ type: 'outbox-flush' }).catch(() => null);
    sending.delete(item.client_id);
    merge(result?.delivered || []);
    queued = await pending(meetingId);
    render();
  }

  function merge(notes) {
    const known = new Set(confirmed.map((n) => n.id));
    confirmed.push(...notes.filter((n) => n.meeting_id === meetingId && !known.has(n.id)));
    confirmed.sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id - b.id);
  }

  async function refresh() {
    queued = await pending(meetingId);
    try {
      confirmed = (await api(`/meetings/${meetingId}/notes`)).items;
      status.hidden = true;
    } catch (error) {
      if (error.kind === 'auth') return ctx.fail(error, node, refresh);
      status.textContent = t('notesOffline');
      status.hidden = false;
    }
    render();
  }

  function render() {
    const done = new Set(confirmed.map((n) => n.client_id));
    const rows = confirmed.map((note) => h('li', { dataset: { id: note.id, state: 'confirmed' } },
      h('div.meta.sub', null, `${note.author.name || note.author.email} · ${dateTime(new Date(note.created_at), ctx.zone)}`),
      h('div.body', null, note.body)));
    for (const item of queued.filter((i) => !done.has(i.client_id))) {
      const state = item.error ? 'failed' : sending.has(item.client_id) ? 'sending' : 'pending';
      rows.push(h(`li.${state}`, { dataset: { clientId: item.client_id, state } },
        h('div.meta.sub', null, state === 'failed' ? t('noteFailed', [item.error]) : t(`note_${state}`),
          state === 'failed' ? h('button.link', { type: 'button', onclick: () => discard(item.client_id) }, ` ${t('discard')}`) : null),
        h('div.body', null, item.body)));
    }
    list.replaceChildren(...(rows.length ? rows : [h('li.sub', { dataset: { state: 'empty' } }, t('notesEmpty'))]));
  }

  return { node, refresh, onOutbox: refresh };
}
