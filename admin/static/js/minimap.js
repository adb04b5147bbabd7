// A small map of a hotspot's reports: tiles when configured, else a plain background.
(function () {
  "use strict";
  var el = document.getElementById("minimap");
  var source = document.getElementById("minimap-data");
  if (!el || !source || typeof L === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var map = L.map(el, { attributionControl: false });
  if (el.dataset.tileUrl) { L.tileLayer(el.dataset.tileUrl, { maxZoom: 19 }).addTo(map); }
  var group = L.featureGroup();
  data.points.forEach(function (p) {
    L.circleMarker([p.lat, p.lon], { radius: 6, color: "#b42318", fillOpacity: 0.7 })
      .bindTooltip("#" + String(p.id)).addTo(group);
  });
  group.addTo(map);
  if (data.points.length) { map.fitBounds(group.getBounds().pad(0.3), { maxZoom: 16 }); }
  else { map.setView([30.0, 120.0], 12); }
})();
