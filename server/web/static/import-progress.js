// The import page's progress bar: polls the job's JSON status until it is done, then reloads
// to show the report. A static file: the Content-Security-Policy runs no inline script.
const box = document.getElementById('import-status');
if (box && !['done', 'failed'].includes(box.dataset.state)) {
  const bar = document.getElementById('import-progress');
  const poll = async () => {
    try {
      const response = await fetch(box.dataset.statusUrl, { credentials: 'same-origin' });
      if (response.ok) {
        const status = await response.json();
        bar.value = status.percent;
        for (const name of ['processed', 'created', 'updated', 'skipped']) {
          const field = box.querySelector(`[data-field="${name}"]`);
          if (field) field.textContent = status[name].toLocaleString();
        }
        if (['done', 'failed'].includes(status.status)) {
          window.location.reload();
          return;
        }
      }
    } catch (error) {
      // The server is restarting: try again at the next tick.
    }
    setTimeout(poll, 1000);
  };
  setTimeout(poll, 500);
}
