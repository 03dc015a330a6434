// Options: the server URL, and sign-in through the server (no token to copy and paste).
import { api } from '../lib/api.js';
import { localize, t } from '../lib/i18n.js';
import { rememberOwner } from '../lib/outbox.js';
import { getSettings, setServerUrl } from '../lib/settings.js';
import { pendingAtSignOut, signOut, startSignIn } from '../lib/sign-in.js';

const input = document.getElementById('server-url');
const serverStatus = document.getElementById('server-status');
const accountStatus = document.getElementById('account-status');
const signInButton = document.getElementById('sign-in');
const signOutButton = document.getElementById('sign-out');
const confirmBox = document.getElementById('sign-out-pending');

async function showAccount() {
  const { serverUrl, token } = await getSettings();
  input.value = serverUrl;
  signOutButton.hidden = !token;
  signInButton.hidden = Boolean(token);
  if (!token) {
    accountStatus.textContent = t('notSignedIn');
    return;
  }
  try {
    const me = await api('/me');
    await rememberOwner({ server_url: serverUrl, user_id: me.user.id });
    accountStatus.textContent = t('signedInAs', [me.user.email, me.account.name]);
  } catch (error) {
    accountStatus.textContent = error.kind === 'auth' ? t('notSignedIn') : t('errorOffline');
    if (error.kind === 'auth') {
      signInButton.hidden = false;
    }
  }
}

document.getElementById('server-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    input.value = await setServerUrl(input.value);
    serverStatus.textContent = t('saved');
  } catch {
    serverStatus.textContent = t('invalidServerUrl');
  }
});
// B9: pending notes are the signed-in user's; signing out says how many wait and offers to
// send them first (online) or keep them for this user's next sign-in. Nobody else sends them.
async function askSignOut() {
  const count = await pendingAtSignOut();
  if (!count) return signOut();
  showPending(count, t('signOutPending', [String(count)]));
}

function showPending(count, text) {
  const button = (label, action, onclick) => {
    const el = document.createElement('button');
    Object.assign(el, { type: 'button', className: action === 'send' ? 'primary' : 'secondary', textContent: label, onclick });
    el.dataset.action = action;
    return el;
  };
  const message = document.createElement('p');
  message.id = 'sign-out-pending-text';  // names the alertdialog
  message.textContent = text;
  confirmBox.replaceChildren(message,
    navigator.onLine ? button(t('signOutSendFirst'), 'send', sendThenSignOut) : '',
    button(t('signOutKeep', [String(count)]), 'keep', () => { confirmBox.hidden = true; signOut(); }),
    button(t('cancel'), 'cancel', () => { confirmBox.hidden = true; }));
  confirmBox.hidden = false;
}

async function sendThenSignOut() {
  showPending(await pendingAtSignOut(), t('signOutSending'));
  for (const el of confirmBox.querySelectorAll('button')) el.disabled = true;
  await chrome.runtime.sendMessage({ type: 'outbox-flush' }).catch(() => null);
  const left = await pendingAtSignOut();
  if (!left) {
    confirmBox.hidden = true;
    return signOut();
  }
  showPending(left, t('signOutNotSent', [String(left)]));
}

signInButton.addEventListener('click', startSignIn);
signOutButton.addEventListener('click', askSignOut);
chrome.storage.onChanged.addListener((changes, area) => {
  if (area === 'local' && ('token' in changes || 'serverUrl' in changes)) showAccount();
});

localize();
showAccount();
