// B2: deliver queued notes on start-up, when back online, when asked, and soon after an
// outage ends: after a failed send the worker probes GET /health on a short schedule and
// sends as soon as the server answers.
import { flush } from './lib/outbox.js';
import { getSettings } from './lib/settings.js';

const ALARM = 'notes-outbox-retry';
const RETRY_KEY = 'outboxRetry';
const SESSION_KEY = 'outboxSessionStarted';
// Every 5 s for the first minute of an outage (most are short: a Wi-Fi hand-over, a server
// restart), then backing off to once a minute, never longer: a note should not wait minutes
// after the server is back.
const FAST_MS = 5 * 1000;
const FAST_FOR_MS = 60 * 1000;
const MAX_DELAY_MS = 60 * 1000;
// Alarms below 30 s are refused in packed extensions, so short waits use a timer (each probe
// writes to storage, which keeps the worker alive); the alarm still fires if the worker is
// stopped before the timer does.
const MIN_ALARM_MS = 30 * 1000;

// Only an in-flight guard (the queue itself is in chrome.storage): a trigger during a flush
// makes that flush go round once more instead of sending the same notes twice at once.
let running = null;
let again = false;
let timer = null;

export function flushOutbox() {
  if (running) {
    again = true;
    return running;
  }
  running = (async () => {
    let result;
    do {
      again = false;
      result = await run();
    } while (again && !result.remaining);
    return result;
  })().finally(() => { running = null; });
  return running;
}

async function run() {
  const result = await flush();
  if (result.remaining) await scheduleProbe();
  else {
    clearTimeout(timer);
    await chrome.storage.local.remove(RETRY_KEY);
    await chrome.alarms.clear(ALARM);
  }
  return result;
}

export function nextDelay(since, attempts, now = Date.now()) {
  if (now - since < FAST_FOR_MS) return FAST_MS;
  return Math.min(FAST_MS * 2 ** Math.max(attempts - FAST_FOR_MS / FAST_MS, 1), MAX_DELAY_MS);
}

async function scheduleProbe() {
  const { [RETRY_KEY]: state } = await chrome.storage.local.get(RETRY_KEY);
  const since = state?.since ?? Date.now();
  const attempts = (state?.attempts ?? 0) + 1;
  const delay = nextDelay(since, attempts);
  await chrome.storage.local.set({ [RETRY_KEY]: { since, attempts, next_at: Date.now() + delay } });
  await chrome.alarms.create(ALARM, { when: Date.now() + Math.max(delay, MIN_ALARM_MS) });
  clearTimeout(timer);
  if (delay < MIN_ALARM_MS) timer = setTimeout(probe, delay);
}

// A cheap unauthenticated GET: the notes go only once the server answers.
async function probe() {
  const { serverUrl } = await getSettings();
  const up = await fetch(`${serverUrl}/api/v1/health`, { cache: 'no-store' })
    .then((response) => response.ok, () => false);
  return up ? flushOutbox() : scheduleProbe();
}

// A fresh trigger from the user (a new note, the panel opening) retries at once.
export function resetBackoff() {
  return chrome.storage.local.remove(RETRY_KEY);
}

// Whenever the worker starts (browser start-up, extension reload, any event) and a retry is
// due: so a note queued before a restart does not wait for anything else to happen. The first
// start of a browser session is a fresh chance (the network or the server may be back since
// the browser closed): it sends at once, whatever the backoff had reached. storage.session
// tells it apart, as the browser empties it on every start (runtime.onStartup does not fire
// for every way an extension is loaded).
async function flushIfDue() {
  const { [SESSION_KEY]: seen } = await chrome.storage.session.get(SESSION_KEY);
  if (!seen) {
    await chrome.storage.session.set({ [SESSION_KEY]: true });
    await resetBackoff();
  }
  const { [RETRY_KEY]: state } = await chrome.storage.local.get(RETRY_KEY);
  if (!state || state.next_at <= Date.now()) flushOutbox();
  else if (!timer) scheduleProbe();  // a stopped worker lost its timer: keep the schedule
}

chrome.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === ALARM) probe();
});
self.addEventListener('online', flushOutbox);
// A sign-in (the same user back, or another one) sends the notes kept for that user.
chrome.storage.onChanged.addListener((changes, area) => {
  if (area === 'local' && changes.token?.newValue) resetBackoff().then(flushOutbox);
});
flushIfDue();
