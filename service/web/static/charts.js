// The dashboard's two charts (Chart.js), drawn from the same figures the tables show.
"use strict";

(() => {
  const { quality, health } = JSON.parse(document.getElementById("chart-data").textContent);
  const percent = (rate) => (rate === null || rate === undefined ? 0 : Math.round(rate * 100));
  new Chart(document.getElementById("quality-chart"), {
    type: "bar",
    data: {
      labels: ["Handover complete at first submission", "Handover delayed past 48 h"],
      datasets: [{ label: "% of handovers", data: [percent(quality.handover_completeness.rate),
                                                   percent(quality.handover_delay.rate)],
                   backgroundColor: ["#1b7f3b", "#b3261e"] }],
    },
    options: { animation: false, scales: { y: { min: 0, max: 100, title: { display: true, text: "%" } } }, plugins: { legend: { display: false } } },
  });
  new Chart(document.getElementById("health-chart"), {
    type: "bar",
    data: {
      labels: health.map((row) => row.rep),
      datasets: [
        { label: "Stage work done %", data: health.map((row) => percent(row.stage_completion.rate)), backgroundColor: "#1f5fbf" },
        { label: "Responses within 48 h %", data: health.map((row) => percent(row.responses_within_48h)), backgroundColor: "#1b7f3b" },
      ],
    },
    options: { animation: false, scales: { y: { min: 0, max: 100 } } },
  });
})();
