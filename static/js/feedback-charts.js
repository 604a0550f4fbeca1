// The feedback pages' charts: satisfaction by service and year, complaints by month with the %
// answered in time, and a service's rounds. Plotly, fed from json_script; a table beside each
// chart carries the same figures for everyone (and for anyone without JavaScript).
(function () {
  "use strict";
  if (typeof Plotly === "undefined") { return; }
  var FONT = { family: "DejaVu Sans, Arial, sans-serif", size: 13, color: "#0b0c0c" };
  // Distinguishable for colour-blind readers, each with a different pattern as well.
  var COLOURS = ["#8eb8e5", "#1d4f91", "#c49a2c", "#00703c", "#a5121f", "#505a5f"];
  var CONFIG = { displayModeBar: false, responsive: true };

  function data(id) {
    var source = document.getElementById(id);
    return source ? JSON.parse(source.textContent) : null;
  }

  function satisfaction() {
    var holder = document.getElementById("satisfaction-chart");
    var d = data("satisfaction-data");
    if (!holder || !d) { return; }
    var shapes = ["", "/", "."];
    var traces = d.series.map(function (s, i) {
      return {
        type: "bar", orientation: "h", name: s.name, y: d.services, x: s.values,
        marker: { color: COLOURS[i % COLOURS.length], pattern: { shape: shapes[i % shapes.length] } },
        hovertemplate: "%{y}, " + s.name + ": %{x:.1f}%<extra></extra>"
      };
    });
    Plotly.newPlot(holder, traces, {
      barmode: "group",
      height: Math.max(300, 34 * d.services.length * Math.max(1, d.series.length) / 1.6 + 100),
      margin: { l: 8, r: 16, t: 8, b: 48 },
      font: FONT,
      legend: { orientation: "h", y: -0.08 },
      xaxis: { title: { text: "% satisfied" }, range: [0, 100], fixedrange: true },
      bargap: 0.25,
      yaxis: { autorange: "reversed", automargin: true, fixedrange: true }
    }, CONFIG);
  }

  function complaints() {
    var holder = document.getElementById("complaints-chart");
    var d = data("complaints-data");
    if (!holder || !d) { return; }
    Plotly.newPlot(holder, [
      { type: "bar", name: "Complaints received", x: d.x, y: d.complaints,
        marker: { color: COLOURS[0] }, hovertemplate: "%{x}: %{y} complaints<extra></extra>" },
      { type: "bar", name: "Compliments received", x: d.x, y: d.compliments,
        marker: { color: COLOURS[2], pattern: { shape: "/" } },
        hovertemplate: "%{x}: %{y} compliments<extra></extra>" },
      { type: "scatter", mode: "lines+markers", name: "% of complaints answered in time",
        x: d.x, y: d.on_time, yaxis: "y2", connectgaps: false,
        line: { color: COLOURS[1], width: 3 }, marker: { size: 7, symbol: "diamond" },
        hovertemplate: "%{x}: %{y:.1f}% in time<extra></extra>" }
    ], {
      height: 340,
      margin: { l: 56, r: 56, t: 8, b: 72 },
      font: FONT,
      barmode: "group",
      legend: { orientation: "h", y: -0.3 },
      xaxis: { tickangle: -45, fixedrange: true },
      yaxis: { title: { text: "Received" }, rangemode: "tozero", fixedrange: true },
      yaxis2: { title: { text: "% in time" }, overlaying: "y", side: "right", range: [0, 105],
        tickvals: [0, 20, 40, 60, 80, 100], showgrid: false, fixedrange: true }
    }, CONFIG);
  }

  function rounds() {
    var holder = document.getElementById("rounds-chart");
    var d = data("rounds-data");
    if (!holder || !d) { return; }
    var symbols = ["circle", "square", "diamond", "triangle-up", "x"];
    Plotly.newPlot(holder, d.series.map(function (s, i) {
      return {
        type: "scatter", mode: "lines+markers", name: s.name, x: s.x, y: s.y,
        line: { color: COLOURS[(i + 1) % COLOURS.length], width: 3 },
        marker: { size: 8, symbol: symbols[i % symbols.length] },
        hovertemplate: s.name + ", %{x}: %{y:.1f}%<extra></extra>"
      };
    }), {
      height: 300,
      margin: { l: 56, r: 16, t: 8, b: 48 },
      font: FONT,
      legend: { orientation: "h", y: -0.25 },
      xaxis: { type: "date", fixedrange: true },
      yaxis: { title: { text: "% satisfied" }, range: [0, 105], tickvals: [0, 20, 40, 60, 80, 100],
        fixedrange: true }
    }, CONFIG);
  }

  satisfaction();
  complaints();
  rounds();
}());
