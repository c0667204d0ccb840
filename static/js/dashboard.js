/* The live attendance dashboard: fetches the counts every few seconds and redraws. */
(function () {
  "use strict";

  const root = document.getElementById("dashboard");
  if (!root) return;
  const words = JSON.parse(document.getElementById("dashboard-words").textContent);
  const REFRESH_MS = 5000;
  let chart = null;

  function setField(name, value) {
    root.querySelectorAll('[data-field="' + name + '"]').forEach((el) => { el.textContent = value; });
  }

  function drawArrivals(arrivals) {
    const labels = arrivals.map((a) => a[0]);
    const counts = arrivals.map((a) => a[1]);
    if (!window.Chart) return;
    if (!chart) {
      chart = new window.Chart(document.getElementById("arrivals"), {
        type: "bar",
        data: {labels, datasets: [{label: words.arrivals, data: counts, backgroundColor: "#0f5e4f"}]},
        options: {
          animation: false,
          responsive: true,
          maintainAspectRatio: false,
          plugins: {legend: {display: false}},
          scales: {y: {beginAtZero: true, ticks: {precision: 0}}},
        },
      });
    } else {
      chart.data.labels = labels;
      chart.data.datasets[0].data = counts;
      chart.update();
    }
  }

  function drawOrganisations(rows) {
    const body = document.getElementById("organisations");
    // Each count names its column, so a phone's cards (one row, one card) say what it counts.
    const heads = Array.from(body.closest("table").querySelectorAll("thead th"), (th) => th.textContent);
    body.replaceChildren(...rows.map((row) => {
      const tr = document.createElement("tr");
      row.forEach((value, column) => {
        const td = document.createElement("td");
        td.textContent = value;
        if (column > 0) td.dataset.label = heads[column];
        tr.appendChild(td);
      });
      return tr;
    }));
  }

  function drawQuorum(quorum) {
    const box = document.getElementById("quorum");
    box.hidden = !quorum;
    if (!quorum) return;
    box.classList.toggle("quorum-met", quorum.met);
    box.classList.toggle("quorum-not", !quorum.met);
    setField("quorum-state", quorum.met ? words.met : words.not_met);
    setField("quorum-detail", words.have_of.replace("{have}", quorum.have).replace("{needed}", quorum.needed));
  }

  async function refresh() {
    try {
      const response = await fetch(root.dataset.url, {credentials: "same-origin"});
      if (!response.ok) return;
      const data = await response.json();
      ["present", "present_offline", "present_online", "registered", "invited", "invited_present"].forEach((k) => setField(k, data[k]));
      document.getElementById("invited-tile").hidden = !data.invited;
      drawQuorum(data.quorum);
      drawArrivals(data.arrivals);
      drawOrganisations(data.by_organisation);
      root.dataset.updated = String(Date.now());
    } catch (e) { /* the hall Wi-Fi dropped; the next round will catch up */ }
  }

  refresh();
  setInterval(refresh, REFRESH_MS);
})();
