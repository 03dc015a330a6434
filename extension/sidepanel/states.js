// The designed states every screen uses: loading skeleton, empty/status message, error with retry.
import { h } from '../lib/dom.js';
import { t } from '../lib/i18n.js';

export function skeleton(rows = 4) {
  return h('div.skeleton', { role: 'status', 'aria-busy': 'true', 'aria-label': t('loading') },
    h('div.day'), Array.from({ length: rows }, () => h('div')));
}

export function stateBox({ name, title, text, actions = [] }) {
  return h('div.state', { dataset: { state: name } },
    h('h2', null, title),
    text ? h('p', null, text) : null,
    actions.map(({ label, onclick, primary = true }) => h(primary ? 'button.primary' : 'button.secondary',
      { type: 'button', onclick }, label)));
}

export function errorMessage(error) {
  if (error.timedOut) return t('errorTimeout');
  if (error.kind === 'offline') return t('errorOffline');
  return t('errorGeneric', [error.message]);
}

export function errorState(error, retry) {
  return stateBox({
    name: 'error', title: t('errorTitle'), text: errorMessage(error),
    actions: [{ label: t('retry'), onclick: retry }],
  });
}
