// Every page: tables that could be wider than their column scroll inside their own labelled,
// focusable box; plotly charts get a static image that the print stylesheet prints instead.
(function () {
  "use strict";

  function wrapTables() {
    document.querySelectorAll("main table").forEach(function (table, index) {
      var parent = table.parentElement;
      if (parent.classList.contains("table-wrap") || parent.closest(".table-wrap")) {
        return;
      }
      var box = document.createElement("div");
      box.className = "table-wrap";
      box.setAttribute("role", "region");
      box.setAttribute("tabindex", "0");
      var caption = table.querySelector("caption");
      if (caption && caption.textContent.trim()) {
        if (!caption.id) {
          caption.id = "table-caption-" + index;
        }
        box.setAttribute("aria-labelledby", caption.id);
      } else {
        box.setAttribute("aria-label", "Table " + (index + 1));
      }
      parent.insertBefore(box, table);
      box.appendChild(table);
    });
  }

  function chartImages() {
    if (!window.Plotly) {
      return;
    }
    document.querySelectorAll(".js-plotly-plot").forEach(function (plot) {
      if (plot.dataset.printImage) {
        return;
      }
      plot.dataset.printImage = "pending";
      window.Plotly.toImage(plot, { format: "png", width: 960, height: 420 }).then(function (url) {
        var img = document.createElement("img");
        img.className = "chart-print-image";
        img.src = url;
        img.alt = "";  // the chart's figures are in the table beside it
        img.hidden = true;
        plot.parentElement.insertBefore(img, plot);
        plot.parentElement.classList.add("has-print-image");
        plot.dataset.printImage = "done";
      });
    });
  }

  wrapTables();
  // Charts are drawn after their scripts load (deferred): take their images once the page has.
  window.addEventListener("load", function () { window.setTimeout(chartImages, 500); });
  window.addEventListener("beforeprint", chartImages);
})();
