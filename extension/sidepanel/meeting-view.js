// R17-R19: one meeting: Start, attendees (contact, Add, internal) and the Notes tab.
import { api, emailSegment } from '../lib/api.js';
import { h } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { followUpActions } from './follow-up.js';
import { meetingDeals } from './meeting-deals.js';
import { addAllButton, meetingDetails, prepSection } from './meeting-prep.js';
import { notesTab } from './notes-tab.js';
import { outcomePicker } from './outcome-picker.js';
import { errorMessage, skeleton } from './states.js';

const RESPONSES = ['accepted', 'declined', 'tentative', 'needsAction'];

export function meetingView(ctx, meetingId) {
  const node = h('section', null, skeleton(3));
  const notes = notesTab(ctx, meetingId);
  const prep = prepSection(ctx, meetingId);  // issue 10 §3: above the tabs
  const deals = meetingDeals(ctx, meetingId);  // issue 11 §3
  let meeting = null;
  let tab = 'attendees';

  async function load() {
    try {
      meeting = await api(`/meetings/${meetingId}`);
      ctx.banner(null);
      render();
    } catch (error) {
      // Issue 9 §4: a meeting never opened before opens from the pack in an outage.
      const packed = !meeting && error.kind === 'offline' && ctx.pack?.meetings.find((m) => m.id === meetingId);
      if (packed) {
        meeting = packed;
        render();
      }
      if (meeting) ctx.banner(error);
      else ctx.fail(error, node, load);
    }
  }

  // Re-rendering also refreshes the Notes tab when it is the one shown.
  const refresh = () => { load(); prep.refresh(); };

  function render() {
    const start = new Date(meeting.start);
    const message = h('p.error', { hidden: true, role: 'alert' });
    // Start is disabled only with the reason beside it (issue 9 §5), never silently.
    const startable = Boolean(meeting.video_link || meeting.calendar_link);
    const reason = startable ? null : h('span.sub', { id: `no-start-${meetingId}` }, t('startUnavailable'));
    const startButton = h('button.primary', {
      type: 'button', disabled: !startable, 'aria-describedby': reason ? reason.id : null,
      onclick: () => startMeeting(startButton, message),
    }, t('startMeeting'));
    const tabs = h('nav.tabs', { role: 'tablist' }, ['attendees', 'notes', 'deals'].map((name) => h('button', {
      type: 'button', role: 'tab', 'aria-selected': String(tab === name), dataset: { tab: name },
      onclick: () => { tab = name; render(); },
    }, name === 'attendees' ? t('attendeesTab', [String(meeting.attendees.length)]) : t(`${name}Tab`))));
    // Issue 11: after the call, how it went and what comes next.
    const after = start <= new Date() ? [outcomePicker(ctx, meeting, (saved) => { meeting = saved; render(); }), followUpActions(ctx, meeting)] : [];
    ctx.setTitle(meeting.title || t('untitled'), node);
    const focused = document.activeElement;  // keep the caret in the note box across refreshes
    // The title is the panel's heading (wrapped to 3 lines there), shown once (issue 9 §5).
    node.replaceChildren(
      h('div.head', null,
        meetingDetails(ctx, meeting),
        h('div.actions', null, startButton, reason), message, ...after),
      prep.place(meeting, tab),
      tabs,
      ...(tab === 'attendees' ? [addAllButton(meeting, (m) => { meeting = m; render(); }) || '',
        h('ul.rows', null, ordered(meeting.attendees).map(attendeeRow))]
        : [tab === 'notes' ? notes.node : deals.node]));
    if (node.contains(focused)) focused.focus();
    if (tab === 'notes') notes.refresh();
    if (tab === 'deals') deals.refresh();
  }

  // The organizer first, then customers, then colleagues (issue 9 §5); otherwise as the server
  // sent them (sort is stable).
  const rank = (a) => (a.is_organizer ? 0 : a.is_internal ? 2 : 1);
  const ordered = (attendees) => [...attendees].sort((a, b) => rank(a) - rank(b));

  function attendeeRow(attendee) {
    const { contact } = attendee;
    const status = RESPONSES.includes(attendee.response_status) ? attendee.response_status : 'needsAction';
    const name = contact ? contact.name : attendee.display_name || attendee.email;
    const detail = contact ? [contact.job_title, contact.company].filter(Boolean).join(' · ') || contact.email : attendee.email;
    const row = h(`li.attendee${attendee.is_internal ? '.internal' : ''}`, { dataset: { email: attendee.email } });
    const error = h('span.error.sub', { hidden: true, role: 'alert' });
    let action = null;
    if (attendee.is_internal) action = h('span.badge.internal', null, t('internal'));
    else if (!contact) {
      action = h('button.add', {
        type: 'button', title: t('addTitle'), onclick: () => addContact(attendee, row, action, error),
      }, t('add'));
    }
    row.append(
      h('div.who', null,
        // Cut with an ellipsis by the stylesheet; the full text stays in the tooltip.
        contact ? h('button.link.name', { type: 'button', title: name, onclick: () => ctx.openContact(contact.id) }, name)
          : h('span.name', { title: name }, name),
        h('span.sub', { title: detail }, detail),
        attendee.is_organizer ? h('span.sub', null, t('organizer')) : null, error),
      h(`span.badge.${status}`, null, t(`response_${status}`)),
      action || '');
    return row;
  }

  // R18: one click creates the contact; the row turns into a contact row in place.
  async function addContact(attendee, row, button, error) {
    button.disabled = true;
    try {
      attendee.contact = await api(
        `/meetings/${meetingId}/attendees/${emailSegment(attendee.email)}/contact`, { method: 'POST' });
      row.replaceWith(attendeeRow(attendee));
    } catch (failure) {
      if (failure.kind === 'auth') return ctx.fail(failure, node, load);
      button.disabled = false;
      error.textContent = errorMessage(failure);
      error.hidden = false;
    }
  }

  // R19: the server picks the URL (video link, else the calendar event); the panel stays open.
  async function startMeeting(button, message) {
    button.disabled = true;
    message.hidden = true;
    try {
      const { url } = await api(`/meetings/${meetingId}/start`, { method: 'POST' });
      const tab = await chrome.tabs.create({ url });
      // The panel is per tab: bring it along to the meeting's tab (best effort; this panel
      // stays open on Gmail's tab either way).
      chrome.runtime.sendMessage({ type: 'keep-panel-beside', tabId: tab.id, meetingId }).catch(() => {});
    } catch (failure) {
      message.textContent = errorMessage(failure);
      message.hidden = false;
    } finally {
      button.disabled = false;
    }
  }

  load();
  return { node, title: t('meetingTitle'), refresh, onOutbox: notes.onOutbox };
}
