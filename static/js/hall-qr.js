/*
 * The hall QR changes every 30 seconds. The page holds the next ten minutes of codes and shows
 * each in its window by the server's clock, so it keeps changing when the network drops; while
 * online it fetches a fresh set every window.
 */
(function () {
  "use strict";
  const hall = document.getElementById("hall-qr");
  const box = document.getElementById("hall-code");
  if (!hall || !box) return;
  const status = document.getElementById("hall-status");
  const url = hall.dataset.codesUrl;
  const windowMs = (Number(hall.dataset.windowSeconds) || 30) * 1000;
  let codes = [];
  let offset = 0; // server clock minus this computer's
  let shown = null;

  function show() {
    const now = Date.now() + offset;
    const current = Math.floor(now / windowMs);
    const code = codes.find((one) => one.window === current);
    if (code && code.window !== shown) {
      box.innerHTML = code.svg; // the server's own SVG
      shown = code.window;
      hall.dataset.window = String(code.window);
      hall.dataset.held = String(codes.length);
    }
    if (status) {
      const left = codes.length ? codes[codes.length - 1].window - current : 0;
      status.textContent = left < 15 && codes.length ? "(" + Math.max(left, 0) + ")" : "";
    }
  }

  async function refresh() {
    try {
      const asked = Date.now();
      const response = await fetch(url, { cache: "no-store", credentials: "same-origin" });
      if (!response.ok) return;
      const answer = await response.json();
      offset = answer.now - Math.round((asked + Date.now()) / 2);
      codes = answer.codes;
      show();
    } catch (error) {
      /* offline: keep showing the codes held */
    }
  }

  refresh();
  setInterval(show, 1000);
  setInterval(refresh, windowMs);
})();
