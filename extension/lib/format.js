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

export function timeRange(start, end, timeZone) {
  return new Intl.DateTimeFormat(LANG, { timeZone, hour: 'numeric', minute: '2-digit' })
    .formatRange(start, end);
}

export function dateTime(date, timeZone) {
  return new Intl.DateTimeFormat(LANG, {
    timeZone, month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit',
  }).format(date);
}
