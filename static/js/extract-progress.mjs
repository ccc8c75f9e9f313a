// The progress bar of a child-level extract's check: asks the server every second how far
// the job has got, and reloads the page once it has finished to show the result.
const box = document.getElementById("extract-progress");

if (box) {
  const bar = box.querySelector("progress");
  const stage = box.querySelector("[data-stage]");
  const percent = box.querySelector("[data-percent]");

  const poll = async () => {
    try {
      const response = await fetch(box.dataset.statusUrl, {
        headers: { Accept: "application/json" },
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
        percent.textContent = status.progress;
        stage.textContent = status.stage || status.state_label;
      }
    } catch {
      // A dropped connection: try again at the next tick.
    }
    window.setTimeout(poll, 1000);
  };
  window.setTimeout(poll, 1000);
}
