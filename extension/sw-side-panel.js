// The panel is enabled only on Gmail tabs, opened by the toolbar icon or the Gmail launcher.
export const PANEL_PATH = 'extension/sidepanel/index.html';
const GMAIL = 'https://mail.google.com/';

chrome.sidePanel.setPanelBehavior({ openPanelOnActionClick: true })
  .catch((error) => console.warn('setPanelBehavior', error));

chrome.tabs.onUpdated.addListener((tabId, info, tab) => {
  if (!info.url && !info.status) return;
  const enabled = Boolean(tab.url && tab.url.startsWith(GMAIL));
  chrome.sidePanel.setOptions(enabled ? { tabId, path: PANEL_PATH, enabled } : { tabId, enabled })
    .catch((error) => console.warn('setOptions', error));
});

// Called straight from the message handler so the launcher click still counts as a user gesture.
// setOptions is sent first and handled first, so the panel is enabled even on a tab whose
// update event was missed (e.g. Gmail open before the extension was installed).
export function openForTab(tabId) {
  chrome.sidePanel.setOptions({ tabId, path: PANEL_PATH, enabled: true });
  return chrome.sidePanel.open({ tabId });
}
