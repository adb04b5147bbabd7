// Draws every <canvas data-chart="ID"> from the JSON in <script type="application/json" id="ID">.
(function () {
  "use strict";
  var palette = ["#1f5fa8", "#f79009", "#067647", "#b42318", "#7a5af8", "#52606d"];
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source || typeof Chart === "undefined") { return; }
    var spec = JSON.parse(source.textContent);
    spec.datasets.forEach(function (ds, i) {
      ds.borderColor = ds.borderColor || palette[i % palette.length];
      ds.backgroundColor = ds.backgroundColor || (spec.type === "line" ? "transparent" : palette[i % palette.length]);
      ds.tension = 0.2;
    });
    new Chart(canvas, {
      type: spec.type, data: { labels: spec.labels, datasets: spec.datasets },
      options: { responsive: true, maintainAspectRatio: false, animation: false,
                 indexAxis: spec.horizontal ? "y" : "x",
                 scales: spec.scales || { y: { beginAtZero: true, ticks: { precision: 0 } } } }
    });
  });
})();
