// The metric page's charts: the comparison set ranked (the area highlighted, the quartile
// boundaries drawn) and the area's rank over the years. Plotly, fed from json_script; the tables
// beside them carry the same figures for everyone (and for anyone without JavaScript).
(function () {
  "use strict";
  if (typeof Plotly === "undefined") { return; }
  var FONT = { family: "DejaVu Sans, Arial, sans-serif", size: 13, color: "#0b0c0c" };
  var OTHER = "#8eb8e5";
  var AREA = "#1d4f91";

  function data(id) {
    var source = document.getElementById(id);
    return source ? JSON.parse(source.textContent) : null;
  }

  function boundary(value, label, dash, horizontal, low) {
    // A line across the chart at a quartile boundary, with its name beside it.
    var line = { type: "line", line: { color: "#0b0c0c", width: 1.5, dash: dash } };
    var note = { text: label, showarrow: false, font: { size: 12 }, bgcolor: "rgba(255,255,255,0.85)" };
    if (horizontal) {
      line.xref = "x"; line.yref = "paper"; line.x0 = value; line.x1 = value; line.y0 = 0; line.y1 = 1;
      // The median's name goes at the foot of its line, the quartiles' above the chart: the
      // three never overlap, however close they are.
      note.xref = "x"; note.yref = "paper"; note.x = value; note.y = low ? 0 : 1;
      note.yanchor = "bottom";
      if (low) { note.xanchor = "left"; }
    } else {
      line.xref = "paper"; line.yref = "y"; line.x0 = 0; line.x1 = 1; line.y0 = value; line.y1 = value;
      note.xref = "paper"; note.yref = "y"; note.x = 1; note.y = value; note.xanchor = "right";
      note.yanchor = "bottom";
    }
    return { line: line, note: note };
  }

  function ranking() {
    var holder = document.getElementById("ranking-chart");
    var d = data("ranking-chart-data");
    if (!holder || !d) { return; }
    // Few authorities read best as named horizontal bars; many as a column chart.
    var horizontal = d.names.length <= 40;
    var colours = d.highlight.map(function (h) { return h ? AREA : OTHER; });
    // The area stands out by its label as well as its colour. (No <b>: plotly would draw it with
    // a style attribute, which the Content-Security-Policy refuses.)
    var labels = d.names.map(function (name, i) {
      var label = d.ranks[i] + ". " + name;
      return d.highlight[i] ? label + " ◀" : label;
    });
    var trace = {
      type: "bar",
      marker: { color: colours, line: { color: colours, width: 1 } },
      hovertemplate: "%{customdata}<extra></extra>",
      customdata: labels.map(function (label, i) { return label + ": " + d.values[i]; })
    };
    var layout = {
      margin: { l: horizontal ? 8 : 56, r: 24, t: 28, b: horizontal ? 48 : 40 },
      font: FONT,
      bargap: 0.15,
      showlegend: false
    };
    if (horizontal) {
      trace.orientation = "h";
      trace.x = d.values;
      trace.y = labels;
      layout.height = Math.max(260, 26 * d.names.length + 80);
      layout.yaxis = { autorange: "reversed", fixedrange: true, automargin: true };
      layout.xaxis = { title: { text: d.unit }, fixedrange: true };
    } else {
      trace.x = labels;
      trace.y = d.values;
      layout.height = 420;
      layout.xaxis = { showticklabels: false, fixedrange: true, title: { text: "Authorities, best first" } };
      layout.yaxis = { title: { text: d.unit }, fixedrange: true };
      var at = d.highlight.indexOf(true);
      if (at >= 0) {
        layout.annotations = [{ x: labels[at], y: d.values[at], text: d.area, showarrow: true,
          arrowhead: 2, ax: 0, ay: -40, font: { size: 13, color: AREA } }];
      }
    }
    var lines = [
      boundary(d.p25, "P25", "dot", horizontal),
      boundary(d.median, "Median", "dash", horizontal, true),
      boundary(d.p75, "P75", "dot", horizontal)
    ];
    layout.shapes = lines.map(function (b) { return b.line; });
    layout.annotations = (layout.annotations || []).concat(lines.map(function (b) { return b.note; }));
    Plotly.newPlot(holder, [trace], layout, { displayModeBar: false, responsive: true });
  }

  function rankTrend() {
    var holder = document.getElementById("rank-trend-chart");
    var d = data("rank-trend-data");
    if (!holder || !d) { return; }
    var most = Math.max.apply(null, d.n);
    Plotly.newPlot(holder, [{
      x: d.x,
      y: d.rank,
      text: d.quartile.map(function (q) { return q ? "Q" + q : ""; }),
      customdata: d.text,
      mode: "lines+markers+text",
      textposition: "top center",
      cliponaxis: false,
      hovertemplate: "%{x}: rank %{customdata}<extra></extra>",
      line: { color: AREA, width: 3 },
      marker: { size: 8 }
    }], {
      margin: { l: 56, r: 16, t: 16, b: 64 },
      height: 300,
      font: FONT,
      yaxis: { title: { text: "Rank (1 = best)" }, range: [most + 0.5, 0.5], fixedrange: true,
        dtick: most > 20 ? null : 1 },
      xaxis: { fixedrange: true, tickangle: -45 }
    }, { displayModeBar: false, responsive: true });
  }

  ranking();
  rankTrend();
}());
