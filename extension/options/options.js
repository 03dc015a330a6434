// Options: the server URL, and sign-in through the server (no token to copy and paste).
import { api } from '../lib/api.js';
import { localize, t } from '../lib/i18n.js';
import { getSettings, setServerUrl } from '../lib/settings.js';
import { signOut, startSignIn } from '../lib/sign-in.js';

const input = document.getElementById('server-url');
const serverStatus = document.getElementById('server-status');
const accountStatus = document.getElementById('account-status');
const signInButton = document.getElementById('sign-in');
const signOutButton = document.getElementById('sign-out');

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
signInButton.addEventListener('click', startSignIn);
signOutButton.addEventListener('click', signOut);
chrome.storage.onChanged.addListener((changes, area) => {
  if (area === 'local' && ('token' in changes || 'serverUrl' in changes)) showAccount();
});

localize();
showAccount();
