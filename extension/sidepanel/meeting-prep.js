// Issue 10 §3 (B7): the meeting view prepares the meeting: when (with the zone), where, the
// agenda as plain text with its links, a Prep section from GET /meetings/{id}/brief, and Add all.
import { api } from '../lib/api.js';
import { h } from '../lib/dom.js';
import { dayLabel, timeRange } from '../lib/format.js';
import { t } from '../lib/i18n.js';
import { deals, meetingWithNotes, tickets } from './brief-parts.js';
import { errorMessage, skeleton } from './states.js';

const URLS = /https?:\/\/[^\s<>"]+/g;

// Calendar text is never HTML here: text nodes, and <a> only for http(s) URLs.
export function linkified(text) {
  const parts = [];
  let at = 0;
  for (const match of text.matchAll(URLS)) {
    const url = match[0].replace(/[.,;:!?)\]'}]+$/, '');
    let href = null;
    try {
      href = ['http:', 'https:'].includes(new URL(url).protocol) ? url : null;
    } catch { /* not a URL: stays text */ }
    if (!href) continue;
    parts.push(text.slice(at, match.index), h('a', { href, target: '_blank', rel: 'noopener noreferrer' }, url));
    at = match.index + url.length;
  }
  parts.push(text.slice(at));
  return parts.filter((p) => p !== '');
}

export function meetingDetails(ctx, meeting) {
  const start = new Date(meeting.start);
  const end = new Date(meeting.end);
  const description = (meeting.description || '').trim();
  return h('div.details', null,
    h('p.sub.when', null, `${dayLabel(start, ctx.zone)} · ${timeRange(start, end, ctx.zone, true)}`),
    meeting.location ? h('p.sub.where', null, h('span', null, `${t('location')}: `), linkified(meeting.location)) : null,
    meeting.video_link ? h('p.sub.video', null, h('span', null, `${t('videoLink')}: `), linkified(meeting.video_link)) : null,
    description ? h('p.description', null, linkified(description.slice(0, 5000))) : null);
}

export function prepSection(ctx, meetingId) {
  const body = h('div', null, skeleton(2));
  const node = h('details.prep', null, h('summary', null, h('h2.section', null, t('prep'))), body);

  let loaded = false;
  async function load() {
    try {
      render(await api(`/meetings/${meetingId}/brief`));
      node.hidden = false;
      loaded = true;
    } catch (error) {
      if (error.kind === 'auth') return ctx.fail(error, body, load);
      // In an outage the panel's one banner says so; what was loaded stays (issue 9 §4).
      if (error.kind === 'offline') node.hidden = !loaded;
      else body.replaceChildren(h('p.error.sub', { role: 'status' }, errorMessage(error)));
    }
  }

  function render({ companies, last_meeting, previous_occurrence }) {
    body.replaceChildren(h('div', null,
      // R13: a weekly call continues where it left off: the previous occurrence first.
      previous_occurrence ? meetingWithNotes(ctx, t('previousOccurrence'), previous_occurrence) : null,
      companies.map(({ company, open_deals, open_tickets }) => h('div.company-prep', null,
        h('h3', null, h('button.link', { type: 'button', onclick: () => ctx.openCompany(company.id) }, company.name)),
        // Kept short above the tabs: only what is open, else one line.
        open_deals.length ? deals(open_deals) : null, open_tickets.length ? tickets(open_tickets) : null,
        open_deals.length || open_tickets.length ? null : h('p.sub', null, t('nothingOpen')))),
      companies.length ? null : h('p.sub', null, t('noCompanies')),
      meetingWithNotes(ctx, t('lastMeetingWith'), last_meeting)));
  }

  // Open before the meeting on the attendees; folded once it started and on the Notes tab (the
  // composer needs the room). The rep's own toggle stands until the tab changes.
  // (Folded content is display:none too, so nothing hidden in it counts as on the screen.)
  node.addEventListener('toggle', () => { body.hidden = !node.open; });
  let placed = null;
  function place(meeting, tab) {
    if (placed !== tab) body.hidden = !(node.open = tab === 'attendees' && new Date(meeting.start) > new Date());
    placed = tab;
    return node;
  }

  load();
  return { node, place, refresh: load };
}

// R18 for every external attendee without a contact: one request, one transaction.
export function addAllButton(meeting, done) {
  const missing = meeting.attendees.filter((a) => !a.is_internal && !a.contact).length;
  if (!missing) return null;
  const error = h('span.error.sub', { hidden: true, role: 'alert' });
  const button = h('button.add.add-all', {
    type: 'button', title: t('addAllTitle'),
    onclick: async () => {
      button.disabled = true;
      try {
        done((await api(`/meetings/${meeting.id}/contacts`, { method: 'POST', body: {} })).meeting);
      } catch (failure) {
        button.disabled = false;
        Object.assign(error, { textContent: errorMessage(failure), hidden: false });
      }
    },
  }, t('addAll', [String(missing)]));
  return h('div.add-all-row', null, button, error);
}
