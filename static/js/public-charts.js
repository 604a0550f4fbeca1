// Charts of the public pages: plotly, fed from json_script. Each chart is a picture of the table
// beside it, which carries the same figures for everyone (and for anyone without JavaScript).
(function () {
  "use strict";
  if (typeof Plotly === "undefined") { return; }
  var BLUE = "#1d4f91", GREY = "#505a5f", GREEN = "#00703c";

  function line(d, values, name, style) {
    var trace = { x: d.labels, y: values, name: name, type: "scatter", mode: "lines" };
    for (var key in style) { trace[key] = style[key]; }
    return trace;
  }

  function known(values) {
    return values.some(function (v) { return v !== null; });
  }

  function traces(d) {
    var result = [];
    if (known(d.lower) && known(d.upper)) {
      result.push(line(d, d.lower, "Target range (lowest)", { line: { color: GREEN, width: 1, dash: "dot", shape: "hvh" } }));
      result.push(line(d, d.upper, "Target range (highest)", {
        line: { color: GREEN, width: 1, dash: "dot", shape: "hvh" }, fill: "tonexty", fillcolor: "rgba(0,112,60,0.12)"
      }));
    } else if (known(d.target)) {
      result.push(line(d, d.target, "Target", { line: { color: GREY, width: 2, dash: "dash", shape: "hvh" } }));
    }
    result.push(line(d, d.actual, "Figure", {
      mode: "lines+markers", line: { color: BLUE, width: 3 }, marker: { size: 7, color: BLUE }
    }));
    return result;
  }

  function draw(holder) {
    var source = document.getElementById(holder.getAttribute("data-chart"));
    if (!source) { return; }
    var d = JSON.parse(source.textContent);
    Plotly.newPlot(holder, traces(d), {
      margin: { l: 8, r: 8, t: 8, b: 8 },
      showlegend: true,
      legend: { orientation: "h", x: 0, y: 1.02, yanchor: "bottom" },
      xaxis: { type: "category", automargin: true, fixedrange: true, nticks: holder.offsetWidth < 600 ? 6 : 0 },
      yaxis: { automargin: true, fixedrange: true, tickprefix: d.prefix, ticksuffix: d.suffix },
      font: { family: "DejaVu Sans, Arial, sans-serif", size: 12, color: "#0b0c0c" },
      paper_bgcolor: "#fff",
      plot_bgcolor: "#fff"
    }, { staticPlot: true, responsive: true, displayModeBar: false });
  }

  var holders = Array.prototype.slice.call(document.querySelectorAll("[data-chart]"));
  // Show every chart's box at once (so the page does not jump), but draw each only as it
  // comes near the screen: a page of forty charts stays quick.
  holders.forEach(function (holder) { holder.hidden = false; });
  if (!("IntersectionObserver" in window)) {
    holders.forEach(draw);
    return;
  }
  var observer = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (entry.isIntersecting) {
        observer.unobserve(entry.target);
        draw(entry.target);
      }
    });
  }, { rootMargin: "400px 0px" });
  holders.forEach(function (holder) { observer.observe(holder); });
}());
