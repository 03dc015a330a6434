// B2: deliver queued notes with backoff, on start-up, when back online and when asked.
import { flush } from './lib/outbox.js';

const ALARM = 'notes-outbox-retry';
const RETRY_KEY = 'outboxRetry';
const SESSION_KEY = 'outboxSessionStarted';
const MAX_DELAY_MS = 5 * 60 * 1000;
// Alarms below 30 s are refused in packed extensions, so short waits also use a timer
// (the alarm still fires if the worker is stopped before the timer does).
const MIN_ALARM_MS = 30 * 1000;

// Only an in-flight guard (the queue itself is in chrome.storage): a trigger during a flush
// makes that flush go round once more instead of sending the same notes twice at once.
let running = null;
let again = false;

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
  if (result.remaining) await scheduleRetry();
  else {
    await chrome.storage.local.remove(RETRY_KEY);
    await chrome.alarms.clear(ALARM);
  }
  return result;
}

async function scheduleRetry() {
  const { [RETRY_KEY]: state = { attempts: 0 } } = await chrome.storage.local.get(RETRY_KEY);
  const attempts = Math.min(state.attempts + 1, 20);
  const delay = Math.min(1000 * 2 ** (attempts - 1), MAX_DELAY_MS);
  await chrome.storage.local.set({ [RETRY_KEY]: { attempts, next_at: Date.now() + delay } });
  await chrome.alarms.create(ALARM, { when: Date.now() + Math.max(delay, MIN_ALARM_MS) });
  if (delay < MIN_ALARM_MS) setTimeout(flushOutbox, delay);
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
}

chrome.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === ALARM) flushOutbox();
});
self.addEventListener('online', flushOutbox);
flushIfDue();
