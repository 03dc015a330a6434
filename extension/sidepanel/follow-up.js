// Issue 11 §3-§4 after the call: schedule the next meeting (the same attendees, editable; a
// date and time in the user's zone; invitations go out through the calendar, R5) and open a
// follow-up e-mail in Gmail's compose, addressed to the external attendees (R12). Nothing is
// sent by us: the rep edits and sends it.
import { api } from '../lib/api.js';
import { h, openTab } from '../lib/dom.js';
import { dateTime } from '../lib/format.js';
import { t } from '../lib/i18n.js';
import { errorMessage } from './states.js';

const DAY = 24 * 60 * 60 * 1000;

// Wall-clock parts of an instant in a zone.
function parts(date, timeZone) {
  const out = {};
  for (const { type, value } of new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
  }).formatToParts(date)) out[type] = value;
  return out;
}

// "YYYY-MM-DD" and "HH:MM" of an instant in the zone (the inputs' format).
export function localInputs(date, timeZone) {
  const p = parts(date, timeZone);
  return { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}` };
}

// The instant at wall-clock ``date`` ``time`` in ``timeZone`` (B5), DST included.
export function zonedInstant(date, time, timeZone) {
  const [y, mo, d] = date.split('-').map(Number);
  const [hh, mm] = time.split(':').map(Number);
  const wanted = Date.UTC(y, mo - 1, d, hh, mm);
  let guess = wanted;
  for (let i = 0; i < 3; i++) {  // converges in one or two steps; a gap (DST) takes the later hour
    const p = parts(new Date(guess), timeZone);
    guess += wanted - Date.UTC(+p.year, p.month - 1, +p.day, +p.hour, +p.minute);
  }
  return new Date(guess);
}

export function followUpForm(ctx, meeting) {
  const node = h('section.follow-up');
  const minutes = Math.max(15, Math.round((new Date(meeting.end) - new Date(meeting.start)) / 60000));
  // A week after this meeting at the same time, or tomorrow's if that is already past.
  let when = new Date(new Date(meeting.start).getTime() + 7 * DAY);
  if (when < new Date()) when = new Date(Date.now() + DAY);
  const at = localInputs(when, ctx.zone);
  const title = h('input', { id: 'fu-title', value: t('followUpTitlePrefix', [meeting.title || t('untitled')]), maxlength: 500, required: true });
  const date = h('input', { id: 'fu-date', type: 'date', value: at.date, required: true });
  const time = h('input', { id: 'fu-time', type: 'time', value: at.time, required: true });
  const length = h('input', { id: 'fu-length', type: 'number', min: 5, max: 600, step: 5, value: minutes, required: true });
  const people = meeting.attendees.filter((a) => a.email.toLowerCase() !== ctx.me?.user?.email?.toLowerCase());
  const checks = people.map((a) => h('label.check', null,
    h('input', { type: 'checkbox', checked: true, value: a.email, dataset: { email: a.email } }),
    ` ${a.contact?.name || a.display_name || a.email}`, h('span.sub', null, ` ${a.email}`)));
  const extra = h('input', { id: 'fu-extra', type: 'text', placeholder: 'name@example.com', autocomplete: 'off' });
  const message = h('p.error', { hidden: true, role: 'alert' });
  const zoneNote = h('p.sub', null, t('followUpZone', [ctx.zone || Intl.DateTimeFormat().resolvedOptions().timeZone]));
  const submit = h('button.primary', { type: 'submit' }, t('followUpSchedule'));
  const form = h('form.stack', { onsubmit: (event) => { event.preventDefault(); send(); } },
    h('label', { for: 'fu-title' }, t('followUpTitle')), title,
    h('div.row', null, h('label', { for: 'fu-date' }, t('followUpDate')), date, h('label', { for: 'fu-time' }, t('followUpTime')), time),
    zoneNote,
    h('label', { for: 'fu-length' }, t('followUpLength')), length,
    h('fieldset', null, h('legend', null, t('followUpAttendees')), checks,
      h('label', { for: 'fu-extra' }, t('followUpAdd')), extra),
    message, h('div.actions', null, submit));
  node.append(form);

  async function send() {
    message.hidden = true;
    const start = zonedInstant(date.value, time.value, ctx.zone);
    const end = new Date(start.getTime() + Number(length.value) * 60000);
    const chosen = checks.map((c) => c.querySelector('input')).filter((c) => c.checked)
      .map((c) => ({ email: c.value, display_name: people.find((a) => a.email === c.value)?.display_name || '' }));
    const typed = extra.value.split(/[\s,;]+/).filter(Boolean)
      .filter((email) => !chosen.some((a) => a.email === email.toLowerCase())).map((email) => ({ email }));
    submit.disabled = true;
    try {
      const made = await api(`/meetings/${meeting.id}/follow-up`, {
        method: 'POST', body: { title: title.value.trim(), start: start.toISOString(), end: end.toISOString(), attendees: [...chosen, ...typed] },
      });
      node.replaceChildren(h('div.state', { dataset: { state: 'follow-up-scheduled' }, role: 'status' },
        h('h2', null, t('followUpDone')),
        h('p', null, `${made.title} · ${dateTime(new Date(made.start), ctx.zone)}`),
        h('button.primary', { type: 'button', onclick: () => ctx.openMeeting(made.id) }, t('followUpOpen'))));
    } catch (error) {
      if (error.kind === 'auth') return ctx.fail(error, node, send);
      const fields = Object.entries(error.fields || {}).map(([name, words]) => `${name}: ${JSON.stringify(words)}`);
      message.textContent = fields.length ? t('errorGeneric', [fields.join('; ')]) : errorMessage(error);
      message.hidden = false;
    } finally {
      submit.disabled = false;
    }
  }
  return { node, title: t('followUpHeading') };
}

// The compose URL of the follow-up e-mail: external attendees (R12), the title, the notes
// and the open tasks (when the tasks API answers).
export async function followUpMail(ctx, meeting) {
  const to = meeting.attendees.filter((a) => !a.is_internal).map((a) => a.email);
  const notes = (await api(`/meetings/${meeting.id}/notes`)).items.map((n) => `- ${n.body}`);
  let tasks = [];
  try {
    const found = await api('/tasks', { query: { meeting_id: meeting.id, done: 'false' } });
    tasks = (found.items || found || []).filter((task) => !task.done).map((task) => `- ${task.title}`);
  } catch {
    tasks = [];  // no tasks API (or none reachable): the notes alone
  }
  const body = [t('mailGreeting'), '', t('mailThanks', [meeting.title || t('untitled')]), '',
    ...(notes.length ? [t('mailNotes'), ...notes, ''] : []),
    ...(tasks.length ? [t('mailTasks'), ...tasks, ''] : []), t('mailClosing')].join('\n');
  const query = { view: 'cm', fs: '1', to: to.join(','), su: t('mailSubject', [meeting.title || t('untitled')]), body };
  // encodeURIComponent, not URLSearchParams: a '+' for a space would stay a '+' in the mail.
  return 'https://mail.google.com/mail/?' + Object.entries(query).map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
}

export function followUpActions(ctx, meeting) {
  const message = h('span.error.sub', { hidden: true, role: 'alert' });
  const mail = h('button.secondary', {
    type: 'button', dataset: { action: 'follow-up-mail' },
    onclick: async () => {
      message.hidden = true;
      try {
        await openTab(await followUpMail(ctx, meeting));
      } catch (error) {
        message.textContent = errorMessage(error);
        message.hidden = false;
      }
    },
  }, t('followUpMail'));
  const schedule = h('button.secondary', {
    type: 'button', dataset: { action: 'schedule-follow-up' }, onclick: () => ctx.open(followUpForm(ctx, meeting)),
  }, t('followUpButton'));
  return h('div.actions.after-call', null, schedule, mail, message);
}
