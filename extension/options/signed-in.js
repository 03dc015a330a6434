// Where the server hands the token back (#token=...&state=...): store it, then wipe the URL.
import { localize, t } from '../lib/i18n.js';
import { finishSignIn } from '../lib/sign-in.js';

localize();
const hash = location.hash;
history.replaceState(null, '', location.pathname);  // the token must not linger in history
const ok = await finishSignIn(hash);
document.getElementById('result').textContent = ok ? t('signedInTitle') : t('signInFailedTitle');
document.getElementById('detail').textContent = ok ? t('signedInText') : t('signInFailedText');
document.body.dataset.result = ok ? 'ok' : 'failed';
