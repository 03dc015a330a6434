// B6: the panel follows the open Gmail thread. A panel holds a port named `panel:<tabId>` while
// it is open; the content script of that tab is told so, and only then sends the thread's
// addresses and display names, which go to that tab's panels and nowhere else. The ports die
// with the worker; the panels reconnect and the content script is told again.
const ports = new Map();  // tabId -> Set of ports (exactly as long-lived as this worker)

function tell(tabId, open) {
  chrome.tabs.sendMessage(tabId, { type: 'panel-state', open }).catch(() => {});  // no content script
}

chrome.runtime.onConnect.addListener((port) => {
  const tabId = Number(port.name.match(/^panel:(\d+)$/)?.[1]);
  if (!tabId) return;
  if (!ports.has(tabId)) ports.set(tabId, new Set());
  ports.get(tabId).add(port);
  tell(tabId, true);
  port.onDisconnect.addListener(() => {
    ports.get(tabId)?.delete(port);
    if (ports.get(tabId)?.size) return;
    ports.delete(tabId);
    tell(tabId, false);
  });
});

export const panelState = (message, sender) => Promise.resolve({ open: ports.has(sender.tab?.id) });

const text = (value, max) => String(value ?? '').slice(0, max);

export function threadPeople({ thread, people }, sender) {
  const open = ports.get(sender.tab?.id);
  if (!open) return Promise.resolve({ ok: false });  // the panel closed meanwhile: dropped
  const message = {
    type: 'thread-people', thread: thread ? text(thread, 200) : null,
    people: (Array.isArray(people) ? people : []).slice(0, 50).map((p) => ({
      email: text(p?.email, 254), display_name: text(p?.display_name, 200),
    })),
  };
  for (const port of open) port.postMessage(message);
  return Promise.resolve({ ok: true });
}
