// The toolbar icon outside Gmail (issue 9 §5): the side panel is enabled only on Gmail tabs,
// so the icon shows this popup instead of doing nothing. The link opens Gmail in a new tab.
import { localize } from '../lib/i18n.js';

localize();
document.getElementById('open-gmail').addEventListener('click', (event) => {
  event.preventDefault();
  chrome.tabs.create({ url: event.currentTarget.href });
  window.close();
});
