// Gmail launcher: a "Meetings" button that asks the service worker to open the side panel.
// Content scripts cannot import modules, so this file stands alone.
(() => {
  const ID = 'meetside-launcher';
  if (document.getElementById(ID)) return;

  const button = document.createElement('button');
  button.id = ID;
  button.type = 'button';
  button.textContent = chrome.i18n.getMessage('launcherLabel');
  button.title = chrome.i18n.getMessage('launcherTitle');
  button.addEventListener('click', async () => {
    button.dataset.state = 'opening';
    try {
      const reply = await chrome.runtime.sendMessage({ type: 'open-side-panel' });
      button.dataset.state = reply?.ok ? 'opened' : 'error';
      button.title = reply?.ok ? chrome.i18n.getMessage('launcherTitle') : chrome.i18n.getMessage('launcherFailed');
    } catch (error) {
      // The extension was reloaded or updated: this page's script is orphaned until a reload.
      button.dataset.state = 'error';
      button.title = chrome.i18n.getMessage('launcherFailed');
    }
  });
  document.body.appendChild(button);
})();
