// The side panel: a stack of screens over one shared context. Page state is fine here (the
// panel lives while it is open); anything that must outlive it is in chrome.storage.
import { api } from '../lib/api.js';
import { h, openTab } from '../lib/dom.js';
import { dateTime, safeZone } from '../lib/format.js';
import { localize, t } from '../lib/i18n.js';
import { isOutboxChange, knownOwner, rememberOwner } from '../lib/outbox.js';
import { readPack, savePack } from '../lib/pack.js';
import { getSettings } from '../lib/settings.js';
import { startSignIn } from '../lib/sign-in.js';
import { contactCard } from './contact-card.js';
import { meetingView } from './meeting-view.js';
import { fetchMeetings, meetingsList } from './meetings-list.js';
import { refreshBadge, tasksView } from './tasks-view.js';
import { errorMessage, errorState, skeleton, stateBox } from './states.js';

const REFRESH_MS = 60 * 1000;
const view = document.getElementById('view');
const heading = document.getElementById('heading');
const back = document.getElementById('back');
const bannerBox = h('p.error.sub', { hidden: true, role: 'status' });
const tasksButton = document.getElementById('tasks');
let stack = [];  // screens: { node, title, refresh?, onOutbox? }

const ctx = {
  me: null,
  owner: null,  // { server_url, user_id }: whose notes this panel types and shows (B9)
  zone: undefined,
  pack: null,  // the offline meeting pack (lib/pack.js), when there is one for this user
  openMeeting: (id) => push(meetingView(ctx, id)),
  openContact: (id) => push(contactCard(ctx, id)),
  open: (screen) => push(screen),  // a screen of its own (issue 11: schedule follow-up)
  openTasks: () => stack.at(-1)?.tasks || push(tasksView(ctx)),
  // Only the screen on top names the panel (a late answer for a screen left behind does not).
  setTitle(text, node) {
    if (stack.at(-1)?.node === node) Object.assign(heading, { textContent: text, title: text });
  },
  // A failed first load: 401 means the token is gone, anything else shows retry in place.
  fail(error, container, retry) {
    if (error.kind === 'auth') return showSignedOut();
    container.replaceChildren(errorState(error, () => {
      container.replaceChildren(skeleton());
      retry();
    }));
  },
  // A failed refresh keeps what is shown and says the data may be stale. In an outage with a
  // pack, this is the one line that says so, with the pack's time (issue 9 §4).
  banner(error) {
    if (error?.kind === 'auth') return showSignedOut();
    const packed = error?.kind === 'offline' && ctx.pack;
    bannerBox.hidden = !error;
    bannerBox.dataset.state = packed ? 'offline-pack' : '';
    bannerBox.textContent = !error ? '' : packed
      ? t('offlinePack', [dateTime(new Date(ctx.pack.at), ctx.zone)]) : errorMessage(error);
  },
};

function show(screen) {
  Object.assign(heading, { textContent: screen.title, title: screen.title });
  back.hidden = stack.length < 2;
  bannerBox.hidden = true;
  view.replaceChildren(bannerBox, screen.node);
}

function push(screen) {
  stack.push(screen);
  show(screen);
}

function replace(screen) {
  stack = [screen];
  show(screen);
}

function statusScreen(name, title, text, actions) {
  return { node: stateBox({ name, title, text, actions }), title: t('panelTitle') };
}

async function showSignedOut() {
  const { serverUrl } = await getSettings();
  replace(statusScreen('signed-out', t('signedOutTitle'), t('signedOutText', [serverUrl]), [
    { label: t('signIn'), onclick: startSignIn },
    { label: t('settings'), onclick: () => chrome.runtime.openOptionsPage(), primary: false },
  ]));
}

// R21: without a connected calendar there are no meetings to show; say so and link to Settings.
// Tokens the server can no longer decrypt (its key changed) need the same reconnect, said so.
// The user connects in a server tab, not here: the screen asks /me again every minute and when
// the panel regains focus (issue 9 §5), and becomes the list once the calendar is connected.
function showNotConnected(me) {
  const reconnect = me.calendar.status === 'needs_reconnect';
  replace({ ...statusScreen('not-connected',
    reconnect ? t('reconnectTitle') : t('notConnectedTitle'),
    reconnect ? t(me.calendar.reason === 'token_unreadable' ? 'reconnectKeyText' : 'reconnectText')
      : t('notConnectedText'),
    [{ label: reconnect ? t('reconnect') : t('connectCalendar'),
      onclick: () => openTab(me.calendar.connect_url || me.urls.settings_calendar) }]),
  refresh: recheckConnection });
}

async function recheckConnection() {
  let me;
  try {
    me = await api('/me');
  } catch (error) {
    if (error.kind === 'auth') showSignedOut();
    return;  // still not reachable: keep saying what is known
  }
  if (stack.at(-1)?.refresh !== recheckConnection) return;  // left the screen meanwhile
  if (me.calendar.connected) boot();
  else showNotConnected(me);
}

async function boot() {
  replace({ node: skeleton(), title: t('panelTitle') });
  ctx.owner = null;
  tasksButton.hidden = true;  // until someone is signed in
  const { serverUrl, token } = await getSettings();
  if (!token) return showSignedOut();
  // Both requests at once: the list needs no answer from /me to be fetched.
  const firstPage = fetchMeetings('');
  firstPage.catch(() => {});
  let online = true;
  try {
    ctx.me = await api('/me');
  } catch (error) {
    // An outage: the last pack of the user signed in here stands in for /me and the list.
    ctx.pack = error.kind === 'offline' && await readPack(await knownOwner());
    if (!ctx.pack) return ctx.fail(error, view, boot);
    ctx.me = ctx.pack.me;
    online = false;
  }
  ctx.owner = { server_url: serverUrl, user_id: ctx.me.user.id };
  rememberOwner(ctx.owner);
  if (online) {
    ctx.pack = await readPack(ctx.owner);
    repack();
  }
  ctx.zone = safeZone(ctx.me.user.time_zone);
  tasksButton.hidden = false;
  if (online) refreshBadge();
  if (!ctx.me.calendar.connected) return showNotConnected(ctx.me);
  replace(meetingsList(ctx, firstPage));
  // Opened beside a started meeting (R19): show that meeting, with the list one step back.
  const meetingId = Number(new URLSearchParams(location.search).get('meeting'));
  if (meetingId) ctx.openMeeting(meetingId);
}

// Issue 9 §4: the pack is refreshed with the list (a failure keeps the last one).
function repack() {
  if (ctx.owner) savePack(ctx.owner, ctx.me).then((pack) => { ctx.pack = pack; }, () => {});
}

function flushOutbox() {
  chrome.runtime.sendMessage({ type: 'outbox-flush' }).catch(() => {});
}

function refresh() {
  const screen = stack.at(-1);
  if (screen?.refresh) screen.refresh();
  else boot();
}

back.addEventListener('click', () => {
  if (stack.length < 2) return;
  stack.pop();
  show(stack.at(-1));
  stack.at(-1).refresh?.();
});
document.getElementById('refresh').addEventListener('click', refresh);
tasksButton.addEventListener('click', () => ctx.openTasks());
document.getElementById('settings').addEventListener('click', () => chrome.runtime.openOptionsPage());
chrome.storage.onChanged.addListener((changes, area) => {
  if (area !== 'local') return;
  if ('token' in changes || 'serverUrl' in changes) boot();
  else if (isOutboxChange(changes)) stack.at(-1)?.onOutbox?.();
});
addEventListener('online', () => { flushOutbox(); refresh(); });
setInterval(() => { stack.at(-1)?.refresh?.(); repack(); if (ctx.me) refreshBadge(); }, REFRESH_MS);
addEventListener('focus', () => {
  if (stack.at(-1)?.refresh === recheckConnection) recheckConnection();
});

localize();
flushOutbox();  // B2: the panel opening is a good moment to deliver what waits
boot();
