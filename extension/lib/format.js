// Dates in the user's time zone (from /me) and the browser's UI language.
const LANG = chrome.i18n.getUILanguage();

export function safeZone(timeZone) {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return timeZone;
  } catch {
    return undefined;  // unknown zone: the browser's own
  }
}

// "YYYY-MM-DD" of the instant in the zone: a key to group meetings by day.
export function dayKey(date, timeZone) {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone, year: 'numeric', month: '2-digit', day: '2-digit',
  }).format(date);
}

export function dayLabel(date, timeZone) {
  return new Intl.DateTimeFormat(LANG, {
    timeZone, weekday: 'long', month: 'short', day: 'numeric',
  }).format(date);
}

// B5: times are in the user's zone; when the browser runs in another one, every time says
// which zone it is in ("2:30 – 3:00 PM EST"), so a rep never reads it as local.
export function browserZone() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

function zoneName(timeZone) {
  return timeZone && timeZone !== browserZone() ? { timeZoneName: 'short' } : {};
}

// withZone: always say the zone (the meeting view's head, issue 10 §3).
export function timeRange(start, end, timeZone, withZone = false) {
  return new Intl.DateTimeFormat(LANG, {
    timeZone, hour: 'numeric', minute: '2-digit', ...(withZone ? { timeZoneName: 'short' } : zoneName(timeZone)),
  }).formatRange(start, end);
}

export function dateTime(date, timeZone) {
  return new Intl.DateTimeFormat(LANG, {
    timeZone, month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit',
    ...zoneName(timeZone),
  }).format(date);
}

const SOON = 15 * 60 * 1000;

// Where a meeting stands at ``now``: 'past' | 'now' | 'soon' (starts within 15 min, with
// ``minutes`` to go) | 'later'.
export function timing(start, end, now) {
  if (end <= now) return { state: 'past' };
  if (start <= now) return { state: 'now' };
  const wait = start - now;
  if (wait <= SOON) return { state: 'soon', minutes: Math.max(1, Math.ceil(wait / 60000)) };
  return { state: 'later' };
}

// "today", "yesterday", "3 days ago": whole days between the dates in the user's zone.
export function daysAgo(date, timeZone, now = new Date()) {
  const days = Math.round((Date.parse(dayKey(now, timeZone)) - Date.parse(dayKey(date, timeZone))) / 864e5);
  return new Intl.RelativeTimeFormat(LANG, { numeric: 'auto' }).format(-days, 'day');
}
