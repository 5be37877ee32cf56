// The dashboard's two charts (Chart.js), drawn from the same figures the tables show, in the page's language.
"use strict";

(() => {
  const { quality, health } = JSON.parse(document.getElementById("chart-data").textContent);
  const percent = (rate) => (rate === null || rate === undefined ? 0 : Math.round(rate * 100));
  const number = new Intl.NumberFormat(I18n.locale, { maximumFractionDigits: 0 });
  const ticks = { callback: (value) => `${number.format(value)}%` };
  const tooltip = { callbacks: { label: (item) => `${item.dataset.label}: ${number.format(item.parsed.y)}%` } };
  new Chart(document.getElementById("quality-chart"), {
    type: "bar",
    data: {
      labels: [t("Handover complete at first submission"), t("Handover delayed past 48 h")],
      datasets: [{ label: t("% of handovers"), data: [percent(quality.handover_completeness.rate),
                                                      percent(quality.handover_delay.rate)],
                   backgroundColor: ["#1b7f3b", "#b3261e"] }],
    },
    options: { animation: false, locale: I18n.locale,
               scales: { y: { min: 0, max: 100, ticks, title: { display: true, text: t("% of handovers") } } },
               plugins: { legend: { display: false }, tooltip } },
  });
  new Chart(document.getElementById("health-chart"), {
    type: "bar",
    data: {
      labels: health.map((row) => row.rep),
      datasets: [
        { label: t("Stage work done %"), data: health.map((row) => percent(row.stage_completion.rate)), backgroundColor: "#1f5fbf" },
        { label: t("Responses within 48 h %"), data: health.map((row) => percent(row.responses_within_48h)), backgroundColor: "#1b7f3b" },
      ],
    },
    options: { animation: false, locale: I18n.locale, scales: { y: { min: 0, max: 100, ticks } }, plugins: { tooltip } },
  });
})();
