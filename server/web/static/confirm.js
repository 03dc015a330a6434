// A form with data-confirm="..." asks before it submits. A static file rather than an inline
// onsubmit: the Content-Security-Policy runs no inline script.
document.addEventListener('submit', (event) => {
  const message = event.target.dataset ? event.target.dataset.confirm : undefined;
  if (message && !window.confirm(message)) event.preventDefault();
});
