// A report run's page: the pack's charts, interactive (plotly), fed from json_script. The tables
// beside them carry the same figures for everyone (and for anyone without JavaScript).
(function () {
  "use strict";
  var source = document.getElementById("run-chart-data");
  if (!source || typeof Plotly === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var font = { family: "DejaVu Sans, Arial, sans-serif", size: 13, color: "#0b0c0c" };
  var config = { displayModeBar: false, responsive: true };

  var trend = document.getElementById("run-trend-chart");
  if (trend) {
    Plotly.newPlot(trend, [{
      x: data.trend.x,
      y: data.trend.y,
      text: data.trend.text,
      hovertemplate: "%{x}: %{text}<extra></extra>",
      mode: "lines+markers",
      line: { color: "#1d4f91", width: 3 },
      marker: { size: 6 }
    }], {
      margin: { l: 48, r: 16, t: 8, b: 64 },
      height: 260,
      yaxis: { title: { text: "% on target" }, range: [0, 100], fixedrange: true },
      xaxis: { fixedrange: true, tickangle: -45 },
      font: font
    }, config);
  }

  var priorities = document.getElementById("run-priority-chart");
  if (priorities) {
    // Colours follow the RAG palette; the legend names each status in words.
    var statuses = [
      ["green", "Green: on target", "#00703c"],
      ["amber", "Amber: within tolerance", "#b35c00"],
      ["red", "Red: off target", "#a5121f"],
      ["grey", "Grey: not rated", "#6f777b"]
    ];
    var traces = statuses.map(function (s) {
      return {
        type: "bar",
        orientation: "h",
        name: s[1],
        y: data.priorities.names,
        x: data.priorities[s[0]],
        marker: { color: s[2] },
        hovertemplate: "%{y}: %{x} " + s[0] + "<extra></extra>"
      };
    });
    Plotly.newPlot(priorities, traces, {
      barmode: "stack",
      margin: { l: 260, r: 16, t: 8, b: 40 },
      height: 80 + 36 * data.priorities.names.length,
      xaxis: { title: { text: "Measures" }, fixedrange: true, dtick: 1 },
      yaxis: { autorange: "reversed", fixedrange: true },
      legend: { orientation: "h", y: -0.3 },
      font: font
    }, config);
  }
}());
