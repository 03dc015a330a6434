// Gmail: the "Meetings" launcher, and (B6) the open thread's people for the panel.
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

  // B6: while (and only while) the panel is open on this tab, the worker hears the open
  // thread's addresses and display names, read from the `email` and `name` attributes of the
  // thread view's sender and recipient elements. Nothing else of the message is read.
  const PEOPLE = '[role="main"] :is(.gD, .g2, [data-message-id] span)[email]';
  let observer = null;
  let timer = 0;
  let sent = null;

  function thread() {
    const main = document.querySelector('[role="main"]');
    const marker = main?.querySelector('[data-legacy-thread-id], [data-thread-perm-id], [data-message-id]');
    if (!marker) return { thread: null, people: [] };  // a list, not a thread
    const people = new Map();
    for (const el of document.querySelectorAll(PEOPLE)) {
      const email = el.getAttribute('email').trim().toLowerCase();
      const name = (el.getAttribute('name') || el.textContent || '').trim();
      if (email && people.size < 50 && !people.get(email)) people.set(email, name === email ? '' : name);
    }
    const id = main.querySelector('[data-legacy-thread-id]')?.getAttribute('data-legacy-thread-id');
    return {
      thread: id || location.hash.split('/').pop(),
      people: [...people].map(([email, display_name]) => ({ email, display_name })),
    };
  }

  // At most one read per 100 ms however busily Gmail mutates its page (never starved).
  function report() {
    if (timer) return;
    timer = setTimeout(() => {
      timer = 0;
      const now = thread();
      const key = JSON.stringify(now);
      if (key === sent || !observer) return;
      sent = key;
      chrome.runtime.sendMessage({ type: 'thread-people', ...now }).catch(() => {});
    }, 100);
  }

  function follow(open) {
    if (open) {
      sent = null;  // a panel (re)connected: it needs the thread again
      if (!observer) {
        observer = new MutationObserver(report);
        observer.observe(document.body, { childList: true, subtree: true });
        addEventListener('hashchange', report);
      }
      report();
    } else if (observer) {
      observer.disconnect();
      observer = null;
      removeEventListener('hashchange', report);
      clearTimeout(timer);
      timer = 0;
    }
  }

  chrome.runtime.onMessage.addListener((message) => {
    if (message?.type === 'panel-state') follow(message.open);
  });
  chrome.runtime.sendMessage({ type: 'panel-state' }).then((reply) => follow(reply?.open), () => {});
})();
