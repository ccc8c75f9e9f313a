// The progress of a child-level extract's check: asks the server every second how far the job
// has got, writes its one status line wherever the page shows it (the headline, which screen
// readers hear as it changes, and the summary), and reloads the page once the job has
// finished to show the result. Without JavaScript the page refreshes itself every 3 seconds.
const box = document.getElementById("extract-progress");

if (box) {
  const bar = box.querySelector("progress");
  const lines = document.querySelectorAll("[data-status]");

  const poll = async () => {
    try {
      const response = await fetch(box.dataset.statusUrl, {
        // Not the person's doing: the server does not count it as activity, so an unattended
        // page does not keep the session alive.
        headers: { Accept: "application/json", "X-Requested-By": "poll" },
        credentials: "same-origin",
      });
      if (response.ok) {
        const status = await response.json();
        if (status.finished) {
          window.location.reload();
          return;
        }
        bar.value = status.progress;
        bar.textContent = `${status.progress}%`;
        for (const line of lines) {
          if (line.textContent !== status.status) line.textContent = status.status;
        }
      }
    } catch {
      // A dropped connection: try again at the next tick.
    }
    window.setTimeout(poll, 1000);
  };
  window.setTimeout(poll, 1000);
}
