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
      colorbar: { title: { text: "Score" }, tickvals: [1, 2, 3, 4] },
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
    var largest = Math.max.apply(null, d.budget.concat([1]));
    var shapes = [{ type: "rect", xref: "x", yref: "y", x0: 3.5, x1: 4.5, y0: 3.5, y1: 4.5,
      fillcolor: "rgba(165,18,31,0.10)", line: { width: 0 }, layer: "below" }];
    Plotly.newPlot(holder, [{
      type: "scatter",
      mode: "markers+text",
      x: d.x,
      y: d.y,
      text: d.names,
      customdata: d.text,
      textposition: "top center",
      cliponaxis: false,
      hovertemplate: "%{customdata}<extra></extra>",
      marker: {
        size: d.budget.map(function (b) { return 10 + 30 * Math.sqrt(b / largest); }),
        color: "#1d4f91",
        opacity: 0.75,
        line: { color: "#0b0c0c", width: 1 }
      }
    }], {
      margin: { l: 64, r: 16, t: 16, b: 56 },
      height: 520,
      font: FONT,
      shapes: shapes,
      annotations: [{ x: 4.45, y: 4.45, xref: "x", yref: "y", xanchor: "right", yanchor: "bottom",
        text: "High cost, low performance: review first", showarrow: false, font: { size: 12 } }],
      xaxis: { title: { text: "Cost quartile (1 = lowest cost)" }, range: [0.5, 4.5], dtick: 1,
        fixedrange: true, zeroline: false },
      yaxis: { title: { text: "Performance quartile (1 = best)" }, range: [4.6, 0.5], dtick: 1,
        fixedrange: true, zeroline: false }
    }, { displayModeBar: false, responsive: true });
  }

  quadrants();
  vfm();
}());
