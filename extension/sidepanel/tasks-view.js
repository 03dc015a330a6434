// Issue 11 §2: the rep's open tasks (overdue, today, later, undated), ticked done in place,
// and the header's badge counting those due today and overdue (in the user's zone, B5).
import { api } from '../lib/api.js';
import { h } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { errorMessage, skeleton } from './states.js';

const LANG = chrome.i18n.getUILanguage();

// A due date is the user's own calendar day (no instant): formatted as such, never shifted.
export function dueLabel({ due_date: date, due_time: time }) {
  if (!date) return '';
  const day = new Intl.DateTimeFormat(LANG, { timeZone: 'UTC', weekday: 'short', month: 'short', day: 'numeric' })
    .format(new Date(`${date}T00:00:00Z`));
  return time ? `${day} ${time}` : day;
}

export async function refreshBadge() {
  try {
    setBadge(await api('/tasks', { query: { owner: 'me', done: 'false', due: 'today', limit: 1 } }));
  } catch {
    // Keep the last count: the badge is a hint, the view says what failed.
  }
}

function setBadge({ due_today: today = 0, overdue = 0 }) {
  const button = document.getElementById('tasks');
  const badge = document.getElementById('tasks-badge');
  const n = today + overdue;
  badge.textContent = n > 99 ? '99+' : String(n);
  badge.hidden = !n;
  const label = n ? t('tasksBadge', [String(n)]) : t('tasksTitle');
  Object.assign(button, { title: label });
  button.setAttribute('aria-label', label);
}

export function tasksView(ctx) {
  const node = h('section.tasks-view', null, skeleton(3));
  let page = null;

  async function load() {
    try {
      page = await api('/tasks', { query: { owner: 'me', done: 'false', limit: 200 } });
      ctx.banner(null);
      setBadge(page);
      render();
    } catch (error) {
      if (page) ctx.banner(error);
      else ctx.fail(error, node, load);
    }
  }

  function render() {
    const groups = { overdue: [], today: [], later: [], undated: [] };
    for (const task of page.items) {
      const key = task.overdue ? 'overdue' : task.due_today ? 'today' : task.due_date ? 'later' : 'undated';
      groups[key].push(task);
    }
    const sections = Object.entries(groups).filter(([, tasks]) => tasks.length).map(([key, tasks]) => [
      h('h2.day', { id: `tasks-${key}` }, t(`tasks_${key}`)),
      h('ul.rows.tasks', { 'aria-labelledby': `tasks-${key}` }, tasks.map(row)),
    ]);
    node.replaceChildren(...(sections.length ? sections.flat()
      : [h('p.sub', { dataset: { state: 'empty' } }, t('tasksEmpty'))]));
  }

  function row(task) {
    const id = `task-${task.id}`;
    const error = h('span.error.sub', { hidden: true, role: 'alert' });
    const box = h('input', { type: 'checkbox', id, checked: task.done });
    box.addEventListener('change', () => tick(task, box, item, error));
    const meeting = task.meeting_id ? h('button.link.sub', {
      type: 'button', onclick: () => ctx.openMeeting(task.meeting_id),
    }, task.meeting_title || t('untitled')) : null;
    const item = h(`li.task${task.overdue ? '.overdue' : ''}`, { dataset: { id: task.id } },
      box,
      h('div.who', null,
        h('label.name', { htmlFor: id }, task.title),
        task.due_date ? h('span.sub.due', null, dueLabel(task)) : null,
        meeting, error));
    return item;
  }

  async function tick(task, box, item, error) {
    box.disabled = true;
    error.hidden = true;
    try {
      Object.assign(task, await api(`/tasks/${task.id}`, { method: 'PATCH', body: { done: box.checked } }));
      item.classList.toggle('done', task.done);
      item.dataset.state = task.done ? 'done' : '';
      refreshBadge();
    } catch (failure) {
      if (failure.kind === 'auth') return ctx.fail(failure, node, load);
      box.checked = !box.checked;
      error.textContent = errorMessage(failure);
      error.hidden = false;
    } finally {
      box.disabled = false;
    }
  }

  load();
  return { node, title: t('tasksTitle'), refresh: load, tasks: true };
}
