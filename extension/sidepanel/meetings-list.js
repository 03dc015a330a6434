// R16: today's meetings first, then the next days; today's past meetings greyed; search.
import { api } from '../lib/api.js';
import { h } from '../lib/dom.js';
import { dayKey, dayLabel, timeRange, timing } from '../lib/format.js';
import { t } from '../lib/i18n.js';
import { skeleton, stateBox } from './states.js';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const DAYS_AHEAD = 7;
const SEARCH_DAYS = 365;

// A window a day wider on each side than shown: day boundaries are the user's, not UTC's.
// Its ends move by whole hours, so the panel asks for the same window all hour long and the
// server can answer from its cache of unchanged pages.
// A search (issue 10 §3) asks the server across a year back and ahead: past meetings too.
export function fetchMeetings(q) {
  const hour = Math.floor(Date.now() / HOUR) * HOUR;
  const [back, ahead] = q ? [SEARCH_DAYS, SEARCH_DAYS] : [1, DAYS_AHEAD + 1];
  return api('/meetings', {
    query: {
      from: new Date(hour - back * DAY).toISOString(),
      to: new Date(hour + ahead * DAY + HOUR).toISOString(),
      limit: 200, q,
    },
  });
}

export function meetingsList(ctx, firstPage) {
  const search = h('input.search', {
    type: 'search', placeholder: t('searchPlaceholder'), 'aria-label': t('searchPlaceholder'),
  });
  const body = h('div.list', null, skeleton());
  const node = h('section', null, search, body);
  let latest = 0;  // answers to superseded searches are dropped
  let loaded = false;

  async function load(page) {
    const mine = ++latest;
    try {
      const { items } = await (page || fetchMeetings(search.value.trim()));
      if (mine !== latest) return;
      render(items);
      loaded = true;
      ctx.banner(null);
    } catch (error) {
      if (mine !== latest) return;
      // Issue 9 §4: in an outage the first screen is the pack's list (today and tomorrow).
      if (!loaded && error.kind === 'offline' && ctx.pack && !search.value.trim()) {
        render(ctx.pack.meetings);
        loaded = true;
      }
      if (loaded) ctx.banner(error);
      else ctx.fail(error, body, () => load());
    }
  }

  let debounce;
  search.addEventListener('input', () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => load(), 250);
  });

  function render(items) {
    const zone = ctx.zone;
    const now = new Date();
    const today = dayKey(now, zone);
    const tomorrow = dayKey(new Date(now.getTime() + DAY), zone);
    const q = search.value.trim();
    const last = q ? '9999' : dayKey(new Date(now.getTime() + DAYS_AHEAD * DAY), zone);
    const days = new Map();
    let next = null;  // the next meeting not yet started: shown first-class (B5)
    for (const meeting of items) {
      const start = new Date(meeting.start);
      const end = new Date(meeting.end);
      let key = dayKey(start, zone);
      if (key < today && !q) key = end > now ? today : null;  // started earlier, still running
      if (!key || key > last) continue;
      if (!days.has(key)) days.set(key, { label: key === today ? t('today') : key === tomorrow ? t('tomorrow') : dayLabel(start, zone), rows: [] });
      const when = timing(start, end, now);
      const past = when.state === 'past';
      const cancelled = meeting.status === 'cancelled';
      const isNext = !next && !cancelled && (when.state === 'soon' || when.state === 'later');
      const count = meeting.attendees.length;
      const chip = cancelled ? null : when.state === 'now' ? t('now')
        : when.state === 'soon' ? t('inMinutes', [String(when.minutes)]) : null;
      const row = h(`button.meeting${past ? '.past' : ''}${when.state === 'now' && !cancelled ? '.now' : ''}`, {
        type: 'button', dataset: { id: meeting.id, timing: when.state }, onclick: () => ctx.openMeeting(meeting.id),
      },
      h('span.title', { title: meeting.title || t('untitled') }, meeting.title || t('untitled')),  // cut: full text on hover
      chip ? h(`span.timing.${when.state}`, null, chip) : null,
      isNext && !chip ? h('span.timing.next', null, t('nextMeeting')) : null,
      h('span.sub', null, [
        timeRange(start, end, zone),
        count === 1 ? t('attendeeOne') : t('attendeeMany', [String(count)]),
        cancelled ? t('cancelled') : null,
        // Issue 11 §1: an ended meeting shows how it went, once someone said so.
        past ? (meeting.outcome && meeting.outcome !== 'scheduled' ? t(`outcome_${meeting.outcome}`) : t('past')) : null,
      ].filter(Boolean).join(' · ')));
      if (isNext) {
        next = row;
        row.classList.add('next');
        row.setAttribute('aria-current', 'true');
      }
      days.get(key).rows.push(row);
    }
    if (!days.size) {
      body.replaceChildren(stateBox({
        name: 'empty', title: q ? t('emptySearchTitle') : t('emptyTitle'),
        text: q ? t('emptySearchText', [q]) : t('emptyText'),
      }));
    } else {
      // Found past meetings come after today and the days ahead, the latest first.
      const order = [...days.keys()].sort((a, b) => (a < today) - (b < today) || (a < today ? b.localeCompare(a) : a.localeCompare(b)));
      body.replaceChildren(...order.map((key) => days.get(key)).flatMap(({ label, rows }) => [h('h2.day', null, label), ...rows]));
    }
    if (!performance.getEntriesByName('meetings-list-shown').length) performance.mark('meetings-list-shown');
  }

  load(firstPage);
  return { node, title: t('panelTitle'), refresh: () => load() };
}
