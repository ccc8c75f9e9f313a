// The warning before an idle session ends (templates/includes/session_timeout.html): shown
// data-end-after minus data-warn-after seconds before the end. The first end is data-left
// seconds after the page loaded (the server's idle clock may have started before this page),
// then data-end-after seconds after the person last chose to stay; "Stay signed in" posts to the keep-alive address in the background and starts the count again. When the
// session has ended the page reloads, and the server sends it to the sign-in page.
const banner = document.querySelector('[data-module="tp-session-timeout"]');

if (banner) {
  const warnAfter = Number(banner.dataset.warnAfter) * 1000;
  const endAfter = Number(banner.dataset.endAfter) * 1000;
  const warning = endAfter - warnAfter;
  const left = Number(banner.dataset.left) * 1000;
  const form = banner.querySelector("form");
  let timers = [];

  const start = (untilEnd) => {
    timers.forEach(clearTimeout);
    banner.hidden = true;
    banner.setAttribute("role", "region");
    timers = [
      setTimeout(
        () => {
          banner.hidden = false;
          // Announced by screen readers as it appears.
          banner.setAttribute("role", "alert");
        },
        Math.max(untilEnd - warning, 0),
      ),
      // A second late, so the server is sure to find the session idle.
      setTimeout(() => window.location.reload(), untilEnd + 1000),
    ];
  };

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { "X-Requested-With": "fetch" },
        credentials: "same-origin",
        redirect: "manual",
      });
      if (response.status === 204) {
        start(endAfter);
        return;
      }
    } catch {
      // Offline or refused: the reload below shows where the person stands.
    }
    window.location.reload();
  });

  start(Number.isFinite(left) ? left : endAfter);
}
