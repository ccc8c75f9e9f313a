// The warning before an idle session ends (templates/includes/session_timeout.html): shown
// data-warn-after seconds after the page loaded or the person last chose to stay; "Stay signed
// in" posts to the keep-alive address in the background and starts the count again. When the
// session has ended the page reloads, and the server sends it to the sign-in page.
const banner = document.querySelector('[data-module="tp-session-timeout"]');

if (banner) {
  const warnAfter = Number(banner.dataset.warnAfter) * 1000;
  const endAfter = Number(banner.dataset.endAfter) * 1000;
  const form = banner.querySelector("form");
  let timers = [];

  const start = () => {
    timers.forEach(clearTimeout);
    banner.hidden = true;
    banner.setAttribute("role", "region");
    timers = [
      setTimeout(() => {
        banner.hidden = false;
        // Announced by screen readers as it appears.
        banner.setAttribute("role", "alert");
      }, warnAfter),
      // A second late, so the server is sure to find the session idle.
      setTimeout(() => window.location.reload(), endAfter + 1000),
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
        start();
        return;
      }
    } catch {
      // Offline or refused: the reload below shows where the person stands.
    }
    window.location.reload();
  });

  start();
}
