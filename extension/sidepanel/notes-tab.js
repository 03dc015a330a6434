// R20 + B2: Enter posts (Shift+Enter is a newline); the note shows at once and is confirmed
// by the server. Notes are queued in storage first, so an outage never loses one, and carry
// the time they were typed and the user who typed them (B9).
import { api } from '../lib/api.js';
import { h } from '../lib/dom.js';
import { dateTime } from '../lib/format.js';
import { t } from '../lib/i18n.js';
import { MAX_NOTE, discard, enqueue, isOrphan, outboxStatus, pending } from '../lib/outbox.js';
import { noteEdits } from './note-edit.js';
import { taskComposer } from './task-composer.js';

const COUNTER_FROM = MAX_NOTE - 2000;  // the counter shows near the limit, not all the time
const length = (text) => [...text].length;  // code points, as the server counts

export function notesTab(ctx, meetingId) {
  const list = h('ul.rows.notes');
  const status = h('p.sub.outbox-status', { hidden: true, role: 'status' });
  const box = h('textarea', { placeholder: t('notePlaceholder'), 'aria-label': t('notePlaceholder') });
  const counter = h('p.sub.counter', { hidden: true, 'aria-live': 'polite' });
  const tasks = taskComposer(ctx, meetingId, box);  // "/task ..." lines (issue 11 §2)
  const node = h('section', null, status, list,
    h('div.composer', null, box, counter, h('p.sub', null, t('noteHint')), tasks.node));
  let confirmed = [];  // from the server, in typing order
  let queued = [];  // still in the outbox
  let listFailed = false;
  const sending = new Set();  // client_ids being sent right now by this panel
  const edits = noteEdits(ctx, meetingId, () => refresh(), () => render());  // issue 11 §4

  box.addEventListener('input', () => { count(); tasks.onInput(); });
  box.addEventListener('keydown', (event) => {
    // isComposing: Enter that confirms an IME candidate (zh-TW input) must not post.
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    const body = box.value.trim();
    if (tasks.claim(body)) {
      box.value = '';
      return count();
    }
    if (length(body) > MAX_NOTE) return count(true);  // refused, and said why; the text stays
    if (body) {
      box.value = '';
      count();
      submit(body);
    }
  });

  // Near the limit: "19,500 / 20,000"; over it, why it will not be posted (never a silent cut).
  function count(refused = false) {
    const n = length(box.value.trim());
    const over = n > MAX_NOTE;
    counter.hidden = n < COUNTER_FROM;
    counter.classList.toggle('error', over);
    const figures = [n.toLocaleString(), MAX_NOTE.toLocaleString()];
    counter.textContent = over ? t(refused ? 'noteTooLongRefused' : 'noteTooLong', figures)
      : t('noteCounter', figures);
  }

  async function submit(body) {
    const item = await enqueue(meetingId, body, ctx.owner);
    sending.add(item.client_id);
    queued.push(item);
    render();
    const result = await chrome.runtime.sendMessage({ type: 'outbox-flush' }).catch(() => null);
    sending.delete(item.client_id);
    merge(result?.delivered || []);
    queued = await pending(meetingId, ctx.owner);
    render();
  }

  function merge(notes) {
    const known = new Set(confirmed.map((n) => n.id));
    confirmed.push(...notes.filter((n) => n.meeting_id === meetingId && !known.has(n.id)));
    confirmed.sort((a, b) => a.typed_at.localeCompare(b.typed_at) || a.id - b.id);
  }

  async function refresh() {
    tasks.refresh();
    await edits.load();
    queued = await pending(meetingId, ctx.owner);
    try {
      confirmed = (await api(`/meetings/${meetingId}/notes`)).items;
      listFailed = false;
    } catch (error) {
      if (error.kind === 'auth') return ctx.fail(error, node, refresh);
      listFailed = error.kind === 'offline';  // a 404 (meeting deleted) is no outage
    }
    render();
  }

  // One line that tells the truth: offline, server unreachable, sending, or sent.
  async function showStatus(waiting) {
    const worker = await outboxStatus();
    let text = '';
    if (!navigator.onLine) text = t('outboxOffline');
    else if (worker?.state === 'unreachable' && waiting) text = t('outboxUnreachable');
    else if (worker?.state === 'sending' && waiting) text = t('outboxSending', [String(waiting)]);
    else if (listFailed && !ctx.pack) text = t('notesOffline');  // else the panel's one offline line says it
    else if (worker?.state === 'sent' && Date.now() - worker.at < 60 * 1000) text = t('outboxSent');
    status.textContent = text;
    status.hidden = !text;
    status.dataset.state = text ? (!navigator.onLine ? 'offline' : worker?.state || 'list-failed') : '';
  }

  function refusal(item) {
    const { error } = item;
    if (isOrphan(item)) return t('noteOwnerUnknown');
    if (error?.status === 404) return t('noteRefusedDeleted');
    const fields = Object.entries(error?.fields || {}).map(([name, words]) => `${name}: ${[].concat(words).join(' ')}`);
    return t('noteFailed', [fields.length ? fields.join('; ') : String(error?.message ?? error)]);
  }

  function failedRow(item) {
    const copy = h('button.link', { type: 'button', dataset: { action: 'copy' } }, t('copyText'));
    copy.onclick = () => navigator.clipboard.writeText(item.body)
      .then(() => { copy.textContent = t('copied'); }, () => { copy.textContent = t('copyFailed'); });
    return h('li.failed', { dataset: { clientId: item.client_id, state: 'failed' } },
      h('div.meta', null, refusal(item)),
      h('div.body', null, item.body),
      h('div.actions', null, copy,
        h('button.link', { type: 'button', onclick: () => discard(item.client_id) }, t('discard'))));
  }

  function render() {
    const done = new Set(confirmed.map((n) => n.client_id));
    const rows = confirmed.map(edits.row);
    const waiting = queued.filter((i) => !done.has(i.client_id));
    for (const item of waiting) {
      if (item.error || isOrphan(item)) {
        rows.push(failedRow(item));
        continue;
      }
      const state = sending.has(item.client_id) ? 'sending' : 'pending';
      rows.push(h(`li.${state}`, { dataset: { clientId: item.client_id, state } },
        h('div.meta.sub', null, `${t(`note_${state}`)} · ${dateTime(new Date(item.typed_at || item.queued_at), ctx.zone)}`),
        h('div.body', null, item.body)));
    }
    list.replaceChildren(...(rows.length ? rows : [h('li.sub', { dataset: { state: 'empty' } }, t('notesEmpty'))]));
    showStatus(waiting.filter((i) => !i.error && !isOrphan(i)).length);
  }

  // The worker changed the outbox: fetch the list again only when a note left it (sent or
  // discarded); a status change alone just re-renders.
  async function onOutbox() {
    tasks.refresh();
    if (await edits.onOutbox()) return refresh();
    const before = new Set(queued.map((i) => i.client_id));
    queued = await pending(meetingId, ctx.owner);
    if (queued.length < before.size || queued.some((i) => !before.has(i.client_id))) return refresh();
    render();
  }

  addEventListener('online', render);
  addEventListener('offline', render);
  return { node, refresh, onOutbox };
}
