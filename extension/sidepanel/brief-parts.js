// Pieces the briefs share (contact card, company card, meeting prep): deals, tickets, meetings
// and notes, each a titled block that says so when it is empty.
import { h } from '../lib/dom.js';
import { dateTime } from '../lib/format.js';
import { t } from '../lib/i18n.js';

const money = (amount) => (amount == null ? '' : new Intl.NumberFormat(chrome.i18n.getUILanguage()).format(amount));

export function block(heading, items, render, empty) {
  return h('div.block', null, h('h3', null, heading),
    items.length ? h('ul.rows.timeline', null, items.map((item) => h('li', null, render(item))))
      : h('p.sub', null, empty));
}

export const deals = (items) => block(t('openDeals'), items,
  (d) => [h('span', null, d.name), h('div.sub', null, [d.stage?.replace(/_/g, ' '), money(d.amount)].filter(Boolean).join(' · '))],
  t('noOpenDeals'));

export const tickets = (items) => block(t('openTickets'), items,
  (k) => [h('span', null, k.subject), h('div.sub', null, k.status)], t('noOpenTickets'));

export function meetingLink(ctx, m) {
  return [h('button.link', { type: 'button', onclick: () => ctx.openMeeting(m.id) }, m.title || t('untitled')),
    h('div.sub', null, dateTime(new Date(m.start), ctx.zone))];
}

export const meetings = (ctx, heading, items, empty = t('noMeetings')) =>
  block(heading, items, (m) => meetingLink(ctx, m), empty);

// A note's first lines, the rest behind a toggle (never HTML: text nodes only).
export function note(ctx, n) {
  const long = n.body.length > 140 || n.body.split('\n').length > 2;
  const body = h('p.body.clamp', null, n.body);
  const toggle = long ? h('button.link.more', {
    type: 'button', 'aria-expanded': 'false',
    onclick: () => {
      const open = body.classList.toggle('clamp');
      toggle.setAttribute('aria-expanded', String(!open));
      toggle.textContent = open ? t('showMore') : t('showLess');
    },
  }, t('showMore')) : null;
  return h('li.note', null, h('div.sub', null, `${n.author?.name || ''} · ${dateTime(new Date(n.typed_at), ctx.zone)}`),
    body, toggle);
}

// A meeting with its notes (the last meeting, a series' previous occurrence).
export function meetingWithNotes(ctx, heading, m) {
  return h('div.block', null, h('h3', null, heading),
    m ? [h('div', null, meetingLink(ctx, m)),
      m.notes?.length ? h('ul.rows.notes', null, m.notes.map((n) => note(ctx, n))) : h('p.sub', null, t('noNotes'))]
      : h('p.sub', null, t('noMeetings')));
}
