/*
 * A small signature pad: a finger (or a mouse, or a pen) draws on the canvas through pointer
 * events; the strokes go to the server as JSON [[x, y, x, y, …], …] in the canvas's own units
 * (400 × 160), whatever size the canvas is shown at. The server simplifies and caps them.
 */
(function () {
  "use strict";
  const canvas = document.getElementById("signature-pad");
  if (!canvas) return;
  const form = document.getElementById("signature-form");
  const field = document.getElementById("signature-strokes");
  const width = Number(canvas.dataset.width) || 400;
  const height = Number(canvas.dataset.height) || 160;
  const MAX_POINTS = 1800; // the server refuses more than 2000
  const pen = canvas.getContext("2d");
  const strokes = [];
  let drawing = null;
  let points = 0;

  pen.lineWidth = 3;
  pen.lineCap = "round";
  pen.lineJoin = "round";
  pen.strokeStyle = "#111";

  function at(event) {
    const box = canvas.getBoundingClientRect();
    return [
      Math.round(((event.clientX - box.left) / box.width) * width),
      Math.round(((event.clientY - box.top) / box.height) * height),
    ];
  }

  function add(point) {
    const last = drawing.length ? drawing.slice(-2) : null;
    if (last && last[0] === point[0] && last[1] === point[1]) return;
    if (points >= MAX_POINTS) return;
    drawing.push(point[0], point[1]);
    points += 1;
    if (drawing.length >= 4) {
      const n = drawing.length;
      pen.beginPath();
      pen.moveTo(drawing[n - 4], drawing[n - 3]);
      pen.lineTo(drawing[n - 2], drawing[n - 1]);
      pen.stroke();
    }
  }

  canvas.addEventListener("pointerdown", (event) => {
    event.preventDefault();
    canvas.setPointerCapture(event.pointerId);
    drawing = [];
    strokes.push(drawing);
    add(at(event));
  });
  canvas.addEventListener("pointermove", (event) => {
    if (!drawing) return;
    const events = event.getCoalescedEvents ? event.getCoalescedEvents() : [event];
    (events.length ? events : [event]).forEach((one) => add(at(one)));
  });
  function end() {
    if (drawing && drawing.length === 2) {
      pen.beginPath();
      pen.arc(drawing[0], drawing[1], 1.5, 0, 2 * Math.PI);
      pen.fill();
    }
    drawing = null;
  }
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointercancel", end);

  document.getElementById("signature-clear").addEventListener("click", () => {
    strokes.length = 0;
    points = 0;
    pen.clearRect(0, 0, width, height);
  });

  form.addEventListener("submit", () => {
    field.value = JSON.stringify(strokes.filter((stroke) => stroke.length));
  });
})();
