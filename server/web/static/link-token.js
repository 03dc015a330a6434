// An invite or password-reset link carries its token in the URL fragment (#token=...), which
// the browser never sends, so no access log records it. Post it with the page's form; the
// answer only shows the next form (posting it spends nothing).
const form = document.querySelector('form[data-link-token]');
if (form) {
  const token = new URLSearchParams(window.location.hash.slice(1)).get('token');
  window.history.replaceState(null, '', window.location.pathname);
  if (token) {
    form.elements.token.value = token;
    form.submit();
  } else {
    document.getElementById('link-missing').hidden = false;
  }
}
