// R17, issue 10 §2: an attendee's contact as a brief inside the panel: who, deals, tickets,
// the last meeting and its notes, the next one, when last contacted, how to reach them.
import { api } from '../lib/api.js';
import { h, openTab } from '../lib/dom.js';
import { daysAgo } from '../lib/format.js';
import { t } from '../lib/i18n.js';
import { deals, meetingWithNotes, meetings, tickets } from './brief-parts.js';
import { skeleton } from './states.js';
import { ownerName } from './this-email.js';

export function contactCard(ctx, contactId) {
  const node = h('section.card', null, skeleton(3));

  async function load() {
    try {
      const brief = await api(`/contacts/${contactId}/brief`);
      ctx.banner(null);
      render(brief);
    } catch (error) {
      // Issue 9 §4: in an outage the pack's card, with the pack's meetings it attends.
      const packed = error.kind === 'offline' && ctx.pack?.contacts.find((c) => c.id === contactId);
      if (!packed) return ctx.fail(error, node, load);
      const now = new Date();
      const mine = ctx.pack.meetings.filter((m) => m.attendees.some((a) => a.contact?.id === contactId));
      render({
        contact: { ...packed, company: packed.company_id ? { id: packed.company_id, name: packed.company } : null },
        upcoming_meetings: mine.filter((m) => new Date(m.end) > now),
        past_meetings: mine.filter((m) => new Date(m.end) <= now),
      });
      ctx.banner(error);
    }
  }

  function render(brief) {
    const { contact } = brief;
    const company = contact.company;
    ctx.setTitle(contact.name, node);
    const link = (href, text) => h('a.chip', { href, target: '_blank', rel: 'noopener' }, text);
    node.replaceChildren(...[
      h('h2', null, contact.name),
      h('p.sub', null, contact.job_title || '', contact.job_title && company ? ' · ' : '',
        company ? h('button.link.company', { type: 'button', onclick: () => ctx.openCompany(company.id) }, company.name) : ''),
      h('dl', null, h('dt', null, t('owner')), h('dd', null, ownerName(ctx, contact.owner))),
      brief.open_deals ? deals(brief.open_deals) : null,
      brief.open_tickets ? tickets(brief.open_tickets) : null,
      'last_meeting' in brief ? meetingWithNotes(ctx, t('lastMeeting'), brief.last_meeting) : null,
      'next_meeting' in brief ? meetings(ctx, t('nextMeetingHeading'), brief.next_meeting ? [brief.next_meeting] : []) : null,
      brief.last_contacted_at ? h('p.sub.last-contacted', null,
        t('lastContacted', [daysAgo(new Date(brief.last_contacted_at), ctx.zone)])) : null,
      h('p.links', null, contact.phone ? link(`tel:${contact.phone}`, contact.phone) : null,
        link(`mailto:${contact.email}`, contact.email)),
      meetings(ctx, t('upcomingMeetings'), brief.upcoming_meetings || []),
      meetings(ctx, t('pastMeetings'), brief.past_meetings || []),
      h('p', null, h('button.secondary', {
        type: 'button', onclick: () => openTab(new URL(`contacts/${contactId}`, ctx.me.urls.app).href),
      }, t('openRecord')))].filter(Boolean));
  }

  load();
  return { node, title: t('contactTitle'), refresh: load };
}
