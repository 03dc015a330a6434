// Every user-facing string comes from _locales via chrome.i18n.
export function t(key, substitutions) {
  return chrome.i18n.getMessage(key, substitutions) || key;
}

// Fill [data-i18n] text and [data-i18n-placeholder|title|label] attributes under root.
export function localize(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) {
    el.placeholder = t(el.dataset.i18nPlaceholder);
  }
  for (const el of root.querySelectorAll('[data-i18n-title]')) {
    el.title = t(el.dataset.i18nTitle);
    el.setAttribute('aria-label', el.title);
  }
  document.documentElement.lang = chrome.i18n.getUILanguage();
}
