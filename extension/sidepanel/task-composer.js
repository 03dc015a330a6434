// Issue 11 §2: a "/task ..." line in the notes box (or the Task button) makes a task, not a
// note, due as its last words say; the date the server reads shows before Enter. Tasks go
// through the notes' outbox, so one typed offline is sent later, once, by its author (B2, B9).
import { api } from '../lib/api.js';
import { h } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { discard, enqueue, pending } from '../lib/outbox.js';
import { dueLabel, refreshBadge } from './tasks-view.js';

const COMMAND = /^\/task(?:\s+|$)/i;
const REMINDER_KEY = 'taskReminder';  // the checkbox, remembered
const DEBOUNCE_MS = 300;

export function taskComposer(ctx, meetingId, box) {
  const preview = h('p.sub.task-preview', { hidden: true, role: 'status' });
  const result = h('p.sub.task-result', { hidden: true, role: 'status' });
  const queuedList = h('ul.rows.queued-tasks');
  const reminder = h('input', { type: 'checkbox', id: `task-reminder-${meetingId}` });
  const node = h('div.task-composer', null, preview,
    h('div.task-actions', null,
      h('button.secondary', { type: 'button', onclick: () => submitBox() }, t('taskButton')),
      h('label.sub', { htmlFor: reminder.id }, reminder, ' ', t('taskReminder'))),
    result, queuedList);
  chrome.storage.local.get(REMINDER_KEY).then((got) => { reminder.checked = Boolean(got[REMINDER_KEY]); });
  reminder.addEventListener('change', () => chrome.storage.local.set({ [REMINDER_KEY]: reminder.checked }));
  let timer = null;
  let queued = [];

  const taskText = (value) => (COMMAND.test(value) ? value.replace(COMMAND, '').trim() : null);

  // Debounced: the server reads the date in the user's zone, as it will when posting.
  function onInput() {
    clearTimeout(timer);
    const text = taskText(box.value.trim());
    if (!text) {
      preview.hidden = true;
      return;
    }
    timer = setTimeout(() => showPreview(text), DEBOUNCE_MS);
  }

  async function showPreview(text) {
    const parsed = await api('/tasks/parse', { query: { text } }).catch(() => null);
    if (taskText(box.value.trim()) !== text) return;  // typed on meanwhile
    preview.dataset.state = !parsed ? 'offline' : parsed.understood ? 'understood' : 'no-date';
    preview.textContent = !parsed ? t('taskPreviewOffline')
      : parsed.understood ? t('taskPreview', [dueLabel(parsed)]) : t('taskPreviewNoDate');
    preview.hidden = false;
  }

  // Enter in the notes box: true when the line was a task (handled here), false for a note.
  function claim(value) {
    const text = taskText(value);
    if (text === null) return false;
    if (text) submit(text);
    return true;
  }

  // The Task button: the box's text as a task, with or without the slash.
  function submitBox() {
    const value = box.value.trim();
    const text = taskText(value) ?? value;
    if (!text) return box.focus();
    box.value = '';
    box.dispatchEvent(new Event('input'));
    submit(text);
  }

  async function submit(text) {
    preview.hidden = true;
    await enqueue(meetingId, text, ctx.owner, { kind: 'task', reminder: reminder.checked });
    await refresh();
    const answer = await chrome.runtime.sendMessage({ type: 'outbox-flush' }).catch(() => null);
    const mine = (answer?.tasks || []).filter((task) => task.meeting_id === meetingId);
    if (mine.length) announce(mine.at(-1));
    await refresh(false);
  }

  function announce(task) {
    result.dataset.state = task.due_date ? 'created' : 'created-no-date';
    result.textContent = task.due_date ? t('taskCreated', [task.title, dueLabel(task)])
      : t('taskCreatedNoDate', [task.title]);
    result.hidden = false;
    refreshBadge();
  }

  // The tasks still in the outbox; one that left it meanwhile (sent by the worker after an
  // outage) is announced from the server's copy.
  async function refresh(lookUp = true) {
    const before = queued;
    queued = await pending(meetingId, ctx.owner, 'task');
    const now = new Set(queued.map((i) => i.client_id));
    const sent = before.filter((i) => !now.has(i.client_id)).map((i) => i.client_id);
    if (lookUp && sent.length) {
      const page = await api('/tasks', { query: { meeting_id: meetingId, limit: 200 } }).catch(() => null);
      const found = page?.items.filter((task) => sent.includes(task.client_id)) || [];
      if (found.length) announce(found.at(-1));
    }
    queuedList.replaceChildren(...queued.map((item) => h(`li.${item.error ? 'failed' : 'pending'}`, {
      dataset: { clientId: item.client_id, state: item.error ? 'failed' : 'pending' },
    }, h('div.meta.sub', null, item.error ? t('taskFailed', [String(item.error.message ?? '')]) : t('taskPending')),
    h('div.body', null, item.body),
    item.error ? h('button.link', { type: 'button', onclick: () => discard(item.client_id) }, t('discard')) : null)));
  }

  return { node, onInput, claim, refresh };
}
