// The service worker: small feature modules, and one router for messages (each has a `type`).
import { keepBeside, openForTab } from './sw-side-panel.js';
import { flushOutbox, resetBackoff } from './sw-notes-outbox.js';
import { panelState, threadPeople } from './sw-thread-people.js';

const handlers = {
  // From the Gmail launcher (content script): open the panel on that tab.
  'open-side-panel': (message, sender) => openForTab(sender.tab.id).then(() => ({ ok: true })),
  // From the panel after Start (R19): keep the assistant open beside the meeting's tab.
  'keep-panel-beside': ({ tabId, meetingId }) => keepBeside(tabId, meetingId).then(() => ({ ok: true })),
  // From the panel: a note was queued, or the panel opened; send what waits now.
  'outbox-flush': () => resetBackoff().then(flushOutbox),
  // From the Gmail content script (B6): is a panel open on my tab; the open thread's people.
  'panel-state': panelState,
  'thread-people': threadPeople,
};

chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  const handler = handlers[message?.type];
  if (!handler) return false;
  handler(message, sender).then(sendResponse, (error) => sendResponse({ ok: false, error: String(error?.message || error) }));
  return true;  // answer asynchronously
});
