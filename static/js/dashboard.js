// The dashboard's charts (templates/dashboard/index.html), drawn with the vendored Chart.js
// from the figures the page carries as JSON (#dashboard-data, the API's answer).  Each chart
// sits above the table with the same figures: without this file the tables are the page.
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || typeof window.Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var palette = ["#8c1d18", "#0d6efd", "#198754", "#fd7e14", "#6f42c1", "#20c997", "#6c757d",
                 "#d63384"];
  var months = data.months;

  function draw(name, config) {
    var canvas = document.querySelector('canvas[data-chart="' + name + '"]');
    if (!canvas) { return; }
    canvas.closest("[data-chart-box]").classList.remove("d-none");
    config.options = Object.assign({ responsive: true, maintainAspectRatio: false,
                                     animation: false }, config.options || {});
    return new window.Chart(canvas, config);
  }

  function stacked(name, series, rows, pick, extra) {
    draw(name, {
      type: "bar",
      data: { labels: months, datasets: series.map(function (s, i) {
        return { label: s.label, backgroundColor: palette[i % palette.length],
                 data: rows.map(function (row) { return pick(row)[s.key]; }) };
      }).concat(extra || []) },
      options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true,
                                                      ticks: { precision: 0 } } } }
    });
  }

  var letters = data.letters;
  stacked("letters-category", letters.categories, letters.months,
          function (row) { return row.by_category; });
  stacked("letters-status", letters.statuses, letters.months,
          function (row) { return row.by_status; });
  draw("letters-overdue", {
    type: "line",
    data: { labels: months, datasets: [{
      label: document.getElementById("overdue-heading").textContent,
      borderColor: palette[0], backgroundColor: palette[0], spanGaps: false,
      data: letters.months.map(function (row) { return row.overdue_rate; }) }] },
    options: { scales: { y: { beginAtZero: true, suggestedMax: 100,
                              ticks: { callback: function (v) { return v + "%"; } } } } }
  });
  // Suppressed report counts are null: no bar is drawn for them.  The month's total, where
  // it may be shown, is a line over the bars (often the only figure of a quiet month).
  var totalLabel = document.querySelector('[data-testid="reports-by-kind"] thead th:last-child');
  stacked("reports-kind", data.reports.kinds, data.reports.months,
          function (row) { return row.by_kind; },
          [{ type: "line", label: totalLabel ? totalLabel.textContent : "", stack: "total",
             borderColor: "#212529", backgroundColor: "#212529", spanGaps: false,
             data: data.reports.months.map(function (row) { return row.total; }) }]);
  if (data.announcements.length) {
    var box = document.querySelector('[data-chart-box="announcements"]');
    if (box) { box.style.height = (4 + 2.2 * data.announcements.length) + "rem"; }
    draw("announcements", {
      type: "bar",
      data: { labels: data.announcements.map(function (a) { return a.number; }),
              datasets: [{ label: document.getElementById("announcements-heading").textContent,
                           backgroundColor: palette[1],
                           data: data.announcements.map(function (a) { return a.rate; }) }] },
      options: { indexAxis: "y", scales: { x: { beginAtZero: true, max: 100 } } }
    });
  }
})();
