// The "% on target" trend on the dashboard: plotly, fed from json_script. The table beside it
// carries the same figures for everyone (and for anyone without JavaScript).
(function () {
  "use strict";
  var holder = document.getElementById("trend-chart");
  var source = document.getElementById("trend-data");
  if (!holder || !source || typeof Plotly === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  Plotly.newPlot(holder, [{
    x: data.x,
    y: data.y,
    text: data.text,
    hovertemplate: "%{x}: %{text}<extra></extra>",
    mode: "lines+markers",
    line: { color: "#1d4f91", width: 3 },
    marker: { size: 6 }
  }], {
    margin: { l: 48, r: 16, t: 8, b: 64 },
    height: 260,
    yaxis: { title: { text: "% on target" }, range: [0, 100], fixedrange: true },
    xaxis: { fixedrange: true, tickangle: -45 },
    font: { family: "DejaVu Sans, Arial, sans-serif", size: 13, color: "#0b0c0c" }
  }, { displayModeBar: false, responsive: true });
}());
