// A sign-in link carries its token in the URL fragment (#token=...), which the browser never
// sends to a server, so no access log records it. Move it into the form and post it; the page
// that answers asks "Sign in as ...?" (posting it spends nothing).
const form = document.getElementById('sign-in-link-open');
if (form) {
  const token = new URLSearchParams(window.location.hash.slice(1)).get('token');
  // Out of the address bar and the history too.
  window.history.replaceState(null, '', window.location.pathname);
  if (token) {
    form.elements.token.value = token;
    form.submit();
  } else {
    document.getElementById('sign-in-link-missing').hidden = false;
  }
}
