// A measure's actual against its target, with the Amber band: plotly, fed from json_script.
(function () {
  "use strict";
  var holder = document.getElementById("measure-chart");
  var source = document.getElementById("measure-chart-data");
  if (!holder || !source || typeof Plotly === "undefined") { return; }
  var d = JSON.parse(source.textContent);
  var traces = [
    { x: d.x, y: d.band_low, mode: "lines", line: { width: 0 }, hoverinfo: "skip",
      showlegend: false },
    { x: d.x, y: d.band_high, mode: "lines", line: { width: 0 }, fill: "tonexty",
      fillcolor: "rgba(122, 65, 0, 0.15)", name: "Amber band", hoverinfo: "skip" },
    { x: d.x, y: d.target, mode: "lines", name: "Target",
      line: { color: "#0b0c0c", dash: "dash", width: 2, shape: "hv" } },
    { x: d.x, y: d.actual, mode: "lines+markers", name: "Actual", text: d.status,
      hovertemplate: "%{x}: %{y} (%{text})<extra></extra>",
      line: { color: "#1d4f91", width: 3 }, marker: { size: 6 } }
  ];
  Plotly.newPlot(holder, traces, {
    margin: { l: 56, r: 16, t: 8, b: 72 },
    height: 320,
    legend: { orientation: "h", y: 1.12 },
    yaxis: { title: { text: d.unit }, fixedrange: true },
    xaxis: { fixedrange: true, tickangle: -45, nticks: 18 },
    font: { family: "DejaVu Sans, Arial, sans-serif", size: 13, color: "#0b0c0c" }
  }, { displayModeBar: false, responsive: true });
}());
