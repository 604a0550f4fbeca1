// Service review charts: the programme's timeline (a bar per review, the four-year deadline of
// each service, today) and the savings plan's target against delivered by source. Plotly, fed
// from json_script; the tables on the same pages carry the same facts for everyone.
(function () {
  "use strict";
  if (typeof Plotly === "undefined") { return; }
  var FONT = { family: "DejaVu Sans, Arial, sans-serif", size: 13, color: "#0b0c0c" };
  var DAY = 24 * 60 * 60 * 1000;

  function data(id) {
    var source = document.getElementById(id);
    return source ? JSON.parse(source.textContent) : null;
  }

  function bars(list, name, colour) {
    return {
      type: "bar",
      orientation: "h",
      name: name,
      y: list.map(function (b) { return b.service; }),
      base: list.map(function (b) { return b.start; }),
      x: list.map(function (b) { return Math.max(DAY, Date.parse(b.end) - Date.parse(b.start) + DAY); }),
      customdata: list.map(function (b) { return b.label + ": " + b.start + " to " + b.end; }),
      hovertemplate: "%{y}<br>%{customdata}<extra></extra>",
      marker: { color: colour },
      width: 0.6
    };
  }

  function timeline() {
    var holder = document.getElementById("timeline-chart");
    var d = data("timeline-data");
    if (!holder || !d) { return; }
    var ended = d.bars.filter(function (b) { return b.state === "ended"; });
    var open = d.bars.filter(function (b) { return b.state !== "ended"; });
    var kept = d.deadlines.filter(function (x) { return !x.flagged; });
    var passed = d.deadlines.filter(function (x) { return x.flagged; });
    var traces = [
      bars(ended, "Review ended", "#1d4f91"),
      bars(open, "Planned or in progress", "#8eb8e5"),
      {
        type: "scatter", mode: "markers", name: "Next review due by",
        x: kept.map(function (x) { return x.date; }), y: kept.map(function (x) { return x.service; }),
        marker: { symbol: "diamond", size: 12, color: "#0b0c0c" },
        hovertemplate: "%{y}: next review due by %{x}<extra></extra>"
      },
      {
        type: "scatter", mode: "markers", name: "Four years passed",
        x: passed.map(function (x) { return x.date; }), y: passed.map(function (x) { return x.service; }),
        marker: { symbol: "x", size: 13, color: "#b3261e" },
        hovertemplate: "%{y}: four years passed on %{x}<extra></extra>"
      },
      {
        type: "scatter", mode: "markers", name: "Never reviewed",
        x: d.never.map(function () { return d.today; }), y: d.never,
        marker: { symbol: "x", size: 13, color: "#b3261e" },
        hovertemplate: "%{y}: never reviewed<extra></extra>"
      }
    ];
    Plotly.newPlot(holder, traces, {
      barmode: "overlay",
      height: Math.max(300, 34 * d.services.length + 120),
      margin: { l: 8, r: 24, t: 16, b: 48 },
      font: FONT,
      legend: { orientation: "h", y: -0.08 },
      xaxis: { type: "date", fixedrange: true },
      yaxis: { categoryorder: "array", categoryarray: d.services.slice().reverse(),
        automargin: true, fixedrange: true },
      shapes: [{ type: "line", xref: "x", yref: "paper", x0: d.today, x1: d.today, y0: 0, y1: 1,
        line: { color: "#0b0c0c", width: 1.5, dash: "dash" } }],
      annotations: [{ xref: "x", yref: "paper", x: d.today, y: 1, text: "Today", showarrow: false,
        yanchor: "bottom", font: { size: 12 } }]
    }, { displayModeBar: false, responsive: true });
  }

  function savings() {
    var holder = document.getElementById("savings-chart");
    var d = data("savings-data");
    if (!holder || !d) { return; }
    Plotly.newPlot(holder, [
      { type: "bar", name: "Target", x: d.labels, y: d.target, marker: { color: "#8eb8e5" },
        hovertemplate: "%{x}: target £%{y:,.0f}<extra></extra>" },
      { type: "bar", name: "Delivered", x: d.labels, y: d.delivered, marker: { color: "#1d4f91" },
        hovertemplate: "%{x}: delivered £%{y:,.0f}<extra></extra>" }
    ], {
      barmode: "group",
      height: 300,
      margin: { l: 72, r: 16, t: 16, b: 48 },
      font: FONT,
      yaxis: { title: { text: "£ a year" }, tickprefix: "£", separatethousands: true, fixedrange: true },
      xaxis: { fixedrange: true },
      legend: { orientation: "h", y: -0.15 }
    }, { displayModeBar: false, responsive: true });
  }

  timeline();
  savings();
}());
