"""The worker's side-panel module (extension/sw-side-panel.js), driven through its real events."""

# A tab's update event and the panel's "keep me beside this tab" message (R19) reach the worker
# in either order; the update handler reads chrome.storage.session before it decides. The
# events are dispatched here in the order that once lost the race in CI: the update first, its
# storage read still in flight when the message arrives.
RACE = """async () => {
  const tab = await chrome.tabs.create({ url: 'about:blank', active: false });
  for (let i = 0; i < 50 && (await chrome.tabs.get(tab.id)).status !== 'complete'; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await new Promise((resolve) => setTimeout(resolve, 200));  // its own update events are done
  chrome.tabs.onUpdated.dispatch(tab.id, { status: 'loading' }, tab);
  const answered = new Promise((resolve) => chrome.runtime.onMessage.dispatch(
    { type: 'keep-panel-beside', tabId: tab.id, meetingId: 7 }, { id: chrome.runtime.id }, resolve));
  await answered;  // open() itself is refused: no user gesture here
  await new Promise((resolve) => setTimeout(resolve, 300));
  const options = await chrome.sidePanel.getOptions({ tabId: tab.id });
  await chrome.tabs.remove(tab.id);
  return options;
}"""


def test_r19_a_tab_update_racing_keep_beside_leaves_the_panel_enabled_on_the_meeting(extension):
    options = extension.worker.evaluate(RACE)
    assert options['enabled'] is True
    assert options['path'] == 'extension/sidepanel/index.html?meeting=7'
