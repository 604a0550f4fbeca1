// The improvement model's charts: the services × quadrants heatmap of the ranking page and the
// cost × performance grid of the value-for-money page. Plotly, fed from json_script; the tables
// beside them carry the same figures for everyone (and for anyone without JavaScript).
(function () {
  "use strict";
  if (typeof Plotly === "undefined") { return; }
  var FONT = { family: "DejaVu Sans, Arial, sans-serif", size: 13, color: "#0b0c0c" };

  function data(id) {
    var source = document.getElementById(id);
    return source ? JSON.parse(source.textContent) : null;
  }

  function quadrants() {
    var holder = document.getElementById("quadrant-chart");
    var d = data("quadrant-chart-data");
    if (!holder || !d) { return; }
    // Scores written in every cell, so the colour is never the only signal; missing is blank.
    var text = d.scores.map(function (row) {
      return row.map(function (s) { return s === null ? "missing" : s.toFixed(2); });
    });
    Plotly.newPlot(holder, [{
      type: "heatmap",
      z: d.scores,
      x: d.columns,
      y: d.services,
      text: text,
      texttemplate: "%{text}",
      hovertemplate: "%{y}<br>%{x}: %{text}<extra></extra>",
      zmin: 1,
      zmax: 4,
      colorscale: [[0, "#f6d5d8"], [0.5, "#fff3d6"], [1, "#8cc7a4"]],
      // No colour bar: plotly draws its gradient with a style attribute, which the content
      // security policy refuses; every cell carries its score as text instead.
      showscale: false,
      xgap: 2,
      ygap: 2
    }], {
      margin: { l: 8, r: 16, t: 16, b: 90 },
      height: Math.max(320, 30 * d.services.length + 140),
      font: FONT,
      yaxis: { autorange: "reversed", automargin: true, fixedrange: true },
      xaxis: { side: "bottom", automargin: true, fixedrange: true }
    }, { displayModeBar: false, responsive: true });
  }

  function vfm() {
    var holder = document.getElementById("vfm-chart");
    var d = data("vfm-chart-data");
    if (!holder || !d) { return; }
    // Each cell names its services; its colour shows the need (cost + performance quartile),
    // from pale green (low cost, good results) to pale red (high cost, poor results).
    Plotly.newPlot(holder, [{
      type: "heatmap",
      z: d.need,
      x: d.x,
      y: d.y,
      text: d.names,
      texttemplate: "%{text}",
      textfont: { size: 12 },
      hovertemplate: "%{y}, %{x}<br>%{text}<extra></extra>",
      zmin: 2,
      zmax: 8,
      colorscale: [[0, "#d9efe2"], [0.5, "#fff3d6"], [1, "#f6d5d8"]],
      showscale: false,
      xgap: 3,
      ygap: 3
    }], {
      margin: { l: 8, r: 8, t: 16, b: 48 },
      height: 560,
      font: FONT,
      yaxis: { autorange: "reversed", automargin: true, fixedrange: true },
      xaxis: { side: "bottom", automargin: true, fixedrange: true }
    }, { displayModeBar: false, responsive: true });
  }

  quadrants();
  vfm();
}());
