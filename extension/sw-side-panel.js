// The panel is enabled only on Gmail tabs (and on a meeting's tab that the panel opened, R19),
// and opened by the toolbar icon or the Gmail launcher.
export const PANEL_PATH = 'extension/sidepanel/index.html';
// Where the panel is disabled the toolbar icon shows this popup (the manifest's default_popup)
// instead of doing nothing: it says the assistant lives in Gmail (issue 9 §5).
export const OUTSIDE_GMAIL_POPUP = 'extension/popup/outside-gmail.html';
const GMAIL = 'https://mail.google.com/';
// chrome.storage.session, one key per meeting tab (no read-modify-write between events).
const keptKey = (tabId) => `panelTab:${tabId}`;
// The same, held by this worker too: a tab update whose storage read was already in flight when
// keepBeside ran must still see the tab as kept, or its late "disable" closes the new panel.
const keptInWorker = new Map();

chrome.sidePanel.setPanelBehavior({ openPanelOnActionClick: true })
  .catch((error) => console.warn('setPanelBehavior', error));

chrome.tabs.onUpdated.addListener(async (tabId, info, tab) => {
  if (!info.url && !info.status) return;
  const { [keptKey(tabId)]: stored } = await chrome.storage.session.get(keptKey(tabId));
  const kept = keptInWorker.get(tabId) || stored;
  const enabled = Boolean(kept || (tab.url && tab.url.startsWith(GMAIL)));
  chrome.sidePanel.setOptions(enabled ? { tabId, path: kept || PANEL_PATH, enabled } : { tabId, enabled })
    .catch((error) => console.warn('setOptions', error));
  chrome.action.setPopup({ tabId, popup: enabled ? '' : OUTSIDE_GMAIL_POPUP }).catch(() => {});  // tab gone
});

chrome.tabs.onRemoved.addListener((tabId) => {
  keptInWorker.delete(tabId);
  chrome.storage.session.remove(keptKey(tabId));
});

// setOptions is sent first and handled first, so the panel is enabled even on a tab whose
// update event was missed (e.g. Gmail open before the extension was installed). No await
// before open(): the click that led here must still count as a user gesture.
export function openForTab(tabId, path = PANEL_PATH) {
  chrome.sidePanel.setOptions({ tabId, path, enabled: true }).catch(() => {});  // open() reports
  chrome.action.setPopup({ tabId, popup: '' }).catch(() => {});
  return chrome.sidePanel.open({ tabId });
}

// R19: the meeting opened in a new tab; the assistant comes along, showing that meeting.
export function keepBeside(tabId, meetingId) {
  const path = `${PANEL_PATH}?meeting=${encodeURIComponent(meetingId)}`;
  keptInWorker.set(tabId, path);
  chrome.storage.session.set({ [keptKey(tabId)]: path });
  return openForTab(tabId, path);
}
