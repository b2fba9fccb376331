/* Draws every [data-figure] element with plotly.js (served by the app, loaded once per
 * page before this script). The figure JSON sits in the <script type="application/json">
 * whose id the element's data-figure names; the view built it (dashboards.panels).
 * Toolbar: PNG and SVG downloads; points with customdata[0] open data-click-url. */
(function () {
  "use strict";

  function download(format, filename) {
    return function (gd) {
      return Plotly.downloadImage(gd, { format: format, filename: filename, scale: format === "png" ? 2 : 1 });
    };
  }

  function draw(el) {
    var source = document.getElementById(el.dataset.figure);
    if (!source) { return; }
    var figure = JSON.parse(source.textContent);
    var filename = el.dataset.filename || "figure";
    var config = {
      responsive: true,
      displaylogo: false,
      // Plotly's own PNG button (English tooltip) is replaced by ours, in the page's language.
      modeBarButtonsToRemove: ["toImage", "select2d", "lasso2d"],
      toImageButtonOptions: { format: "png", filename: filename, scale: 2 },
      modeBarButtonsToAdd: [
        { name: "download-png", title: el.dataset.pngLabel || "PNG", icon: Plotly.Icons["camera-retro"], click: download("png", filename) },
        { name: "download-svg", title: el.dataset.svgLabel || "SVG", icon: Plotly.Icons.disk, click: download("svg", filename) }
      ]
    };
    return Plotly.newPlot(el, figure.data, figure.layout, config).then(function (gd) {
      var url = el.dataset.clickUrl;
      if (url) {
        gd.on("plotly_click", function (event) {
          var point = event.points && event.points[0];
          if (point && point.customdata != null) {
            window.location.href = url.replace("__id__", encodeURIComponent(point.customdata[0]));
          }
        });
      }
      el.classList.add("is-drawn");
      return gd;
    });
  }

  function resizeAll() {
    document.querySelectorAll(".js-plotly-plot").forEach(function (gd) { Plotly.Plots.resize(gd); });
  }

  function init() {
    if (window.Plotly) {
      document.querySelectorAll("[data-figure]").forEach(draw);
    }
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  }

  window.addEventListener("beforeprint", function () { if (window.Plotly) { resizeAll(); } });
  window.addEventListener("afterprint", function () { if (window.Plotly) { resizeAll(); } });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
}());
