// A sign-in, invite or password-reset link carries its token in the URL fragment
// (#token=...), which the browser never sends, so no access log records it. Post it with the
// page's form; the answer only asks to confirm (posting it spends nothing).
const form = document.querySelector('form[data-link-token]');
if (form) {
  const token = new URLSearchParams(window.location.hash.slice(1)).get('token');
  // Out of the address bar and the history too.
  window.history.replaceState(null, '', window.location.pathname);
  if (token) {
    form.elements.token.value = token;
    form.submit();
  } else {
    document.getElementById('link-missing').hidden = false;
  }
}
