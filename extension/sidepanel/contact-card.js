// R17: an attendee's contact record inside the panel, with its recent meetings.
import { api } from '../lib/api.js';
import { h, openTab } from '../lib/dom.js';
import { dateTime } from '../lib/format.js';
import { t } from '../lib/i18n.js';
import { skeleton } from './states.js';

const RECENT = 5;

export function contactCard(ctx, contactId) {
  const node = h('section.card', null, skeleton(3));

  async function load() {
    try {
      const [contact, timeline] = await Promise.all([
        api(`/contacts/${contactId}`), api(`/contacts/${contactId}/timeline`, { query: { limit: RECENT } }),
      ]);
      ctx.banner(null);
      render(contact, timeline.items);
    } catch (error) {
      // Issue 9 §4: in an outage the pack's card, with the pack's meetings it attends.
      const packed = error.kind === 'offline' && ctx.pack?.contacts.find((c) => c.id === contactId);
      if (!packed) return ctx.fail(error, node, load);
      render(packed, ctx.pack.meetings.filter((m) => m.attendees.some((a) => a.contact?.id === contactId)));
      ctx.banner(error);
    }
  }

  function owner(contact) {
    if (contact.owner_id == null) return t('noOwner');
    if (contact.owner_id === ctx.me.user.id) return t('ownerYou', [ctx.me.user.name || ctx.me.user.email]);
    return contact.owner?.name || contact.owner?.email || t('ownerOther', [String(contact.owner_id)]);
  }

  function field(label, value, href) {
    return [h('dt', null, label), h('dd', null, value ? (href ? h('a', { href, target: '_blank' }, value) : value) : '—')];
  }

  function render(contact, meetings) {
    ctx.setTitle(contact.name, node);
    node.replaceChildren(
      h('h2', null, contact.name),
      h('p.sub', null, [contact.job_title, contact.company].filter(Boolean).join(' · ')),
      h('dl', null,
        field(t('phone'), contact.phone, contact.phone && `tel:${contact.phone}`),
        field(t('email'), contact.email, `mailto:${contact.email}`),
        field(t('owner'), owner(contact))),
      h('h3', null, t('recentMeetings')),
      meetings.length
        ? h('ul.rows.timeline', null, meetings.map((m) => h('li', null,
          h('button.link', { type: 'button', onclick: () => ctx.openMeeting(m.id) }, m.title || t('untitled')),
          h('div.sub', null, dateTime(new Date(m.start), ctx.zone)))))
        : h('p.sub', null, t('noMeetings')),
      h('p', null, h('button.secondary', {
        type: 'button', onclick: () => openTab(new URL(`contacts/${contactId}`, ctx.me.urls.app).href),
      }, t('openRecord'))));
  }

  load();
  return { node, title: t('contactTitle'), refresh: load };
}
