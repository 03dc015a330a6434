// B6: "This e-mail": the open Gmail thread's people (sent by the content script through the
// worker while this panel is open), each with their contact summary or Add (R18); colleagues
// (R12) on one line. Painted from the cache first when the thread was seen before, then
// revalidated (stale-while-revalidate); the cache is chrome.storage.session, per user.
import { api } from '../lib/api.js';
import { h } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { errorMessage, skeleton } from './states.js';

const CACHE = 'thisEmailCache';
const CACHED_THREADS = 20;

// The tab this panel is beside: the side panel's window's active tab, or ?tab= when the panel
// page is opened as a tab of its own.
async function panelTab() {
  const given = Number(new URLSearchParams(location.search).get('tab'));
  if (given) return given;
  const [tab] = await chrome.tabs.query({ active: true, currentWindow: true });
  return tab?.id;
}

export function ownerName(ctx, owner) {
  if (!owner) return t('noOwner');
  return owner.id === ctx.me?.user.id ? t('ownerYou', [owner.name || ctx.me.user.email]) : owner.name;
}

export function thisEmail(ctx) {
  const node = h('section.this-email', { hidden: true, 'aria-labelledby': 'this-email-heading' });
  let shown = null;  // the content script's last message: { thread, people }
  let latest = 0;
  const adding = new Set();  // emails being added: a repaint meanwhile keeps their Add disabled

  const ownerKey = () => `${ctx.owner?.server_url}|${ctx.owner?.user_id}`;
  const readCache = async () => (await chrome.storage.session.get(CACHE))[CACHE] || {};
  async function writeCache(thread, people) {
    const cache = await readCache();
    cache[`${ownerKey()}|${thread}`] = { people, at: Date.now() };
    const keep = Object.entries(cache).sort((a, b) => b[1].at - a[1].at).slice(0, CACHED_THREADS);
    await chrome.storage.session.set({ [CACHE]: Object.fromEntries(keep) });
  }

  async function show(message, received = performance.now()) {
    const mine = ++latest;
    shown = message;
    if (!message?.thread || !message.people.length || !ctx.owner) {
      node.hidden = true;
      return node.replaceChildren();
    }
    const names = new Map(message.people.map((p) => [p.email.toLowerCase(), p.display_name]));
    const cached = (await readCache())[`${ownerKey()}|${message.thread}`];
    if (mine !== latest) return;
    if (cached) paint(cached.people, received, 'cache');
    else if (node.hidden || !node.querySelector('ul')) {
      node.hidden = false;
      node.replaceChildren(title(), skeleton(1));
    }
    try {
      const { people } = await api('/people', { query: { email: [...names.keys()] } });
      if (mine !== latest) return;
      for (const person of people) person.display_name = names.get(person.email) || '';
      paint(people, received, 'server');
      writeCache(message.thread, people);
    } catch (error) {
      if (mine !== latest) return;
      if (error.kind === 'auth') return ctx.fail(error, node, () => show(shown));
      if (!cached) node.replaceChildren(title(), h('p.error.sub', { role: 'status' }, errorMessage(error)));
    }
  }

  const title = () => h('h2.section', { id: 'this-email-heading' }, t('thisEmail'));

  function paint(people, received, source) {
    const external = people.filter((p) => !p.is_internal && !p.error);
    const internal = people.filter((p) => p.is_internal && p.email !== ctx.me?.user.email.toLowerCase());  // not the rep
    node.hidden = false;
    node.dataset.source = source;
    node.replaceChildren(title(),
      external.length ? h('ul.rows', null, external.map(row)) : null,
      internal.length ? h('p.sub.internal-line', null, t('internalPeople', [
        internal.map((p) => p.contact?.name || p.display_name || p.email).join(', ')])) : null);
    performance.measure(`this-email-${source}`, { start: received, end: performance.now() });
  }

  function row(person) {
    const { contact } = person;
    const li = h('li.attendee.person', { dataset: { email: person.email } });
    const error = h('span.error.sub', { hidden: true, role: 'alert' });
    const name = contact ? contact.name : person.display_name || person.email;
    const company = (contact?.company || person.company)?.name;
    const detail = contact ? [contact.job_title, company, ownerName(ctx, contact.owner)].filter(Boolean).join(' · ')
      : [person.email, company].filter(Boolean).join(' · ');
    const add = contact ? null : h('button.add', {
      type: 'button', title: t('addTitle'), 'aria-label': t('addNamed', [name]),
      disabled: adding.has(person.email),
      onclick: async () => {
        add.disabled = true;
        const posted = api('/people', {
          method: 'POST', body: { email: person.email, display_name: person.display_name || '' } });
        adding.add(person.email);
        const now = () => node.querySelector(`li.person[data-email="${CSS.escape(person.email)}"]`) || li;
        try {
          person.contact = await posted;
          now().replaceWith(row(person));
          show(shown);  // revalidate (and re-cache) with the new contact
        } catch (failure) {
          now().querySelector('button.add')?.removeAttribute('disabled');
          Object.assign(now().querySelector('.error'), { textContent: errorMessage(failure), hidden: false });
        } finally {
          adding.delete(person.email);
        }
      },
    }, t('add'));
    li.append(
      h('div.who', null,
        contact ? h('button.link.name', { type: 'button', title: name, onclick: () => ctx.openContact(contact.id) }, name)
          : h('span.name', { title: name }, name),
        h('span.sub', { title: detail }, detail), error),
      add || '');
    return li;
  }

  function connect(tabId) {
    const port = chrome.runtime.connect({ name: `panel:${tabId}` });
    port.onMessage.addListener((message) => {
      if (message.type === 'thread-people') show(message, performance.now());
    });
    port.onDisconnect.addListener(() => setTimeout(() => connect(tabId), 100));  // the worker restarted
  }
  panelTab().then((tabId) => tabId && connect(tabId));

  return { node, refresh: () => shown && show(shown) };
}
