// The public map: coarsened dots (200 m cells) of recent reports and closed cases, filtered by kind, status, period;
// the same dots as a text list for screen readers.
(function () {
  "use strict";
  var GW = window.GW, T = GW.T;
  var el = document.getElementById("public-map"), list = document.getElementById("map-list");
  var map = null, layer = null;

  function label(p) {
    return GW.categoryName(p.category) + " · " + GW.statusWord(p.status) + " · " + p.count + (T.count ? " " + T.count : "") +
      " · " + T.last + p.last_day;
  }

  function load() {
    var query = "?status=" + document.getElementById("map-status").value + "&days=" + document.getElementById("map-days").value;
    var category = document.getElementById("map-category").value;
    if (category) { query += "&category=" + encodeURIComponent(category); }
    GW.api("GET", "/public/map" + query, null, { token: "-" }).then(function (r) {
      if (r.status !== 200) { return; }
      if (layer) { layer.remove(); }
      layer = L.featureGroup();
      list.textContent = "";
      r.body.features.forEach(function (f) {
        var p = f.properties, c = f.geometry.coordinates;
        L.circleMarker([c[1], c[0]], { radius: 6 + Math.min(p.count, 10), color: p.group === "closed" ? "#2f855a" : "#b42318",
          fillOpacity: 0.6 }).bindPopup(label(p)).addTo(layer);
        list.appendChild(GW.el("li", { "class": "map-dot" }, label(p)));
      });
      if (!r.body.features.length) { list.appendChild(GW.el("li", {}, T.map_empty)); }
      layer.addTo(map);
      if (r.body.features.length) { map._gwFitted = true; map.fitBounds(layer.getBounds().pad(0.2), { maxZoom: 14 }); }
    });
  }

  document.addEventListener("gw-tab", function (ev) {
    if (ev.detail !== "tab-map") { return; }
    if (!map) {
      map = GW.baseMap(el);
      GW.fillCategories(document.getElementById("map-category"));
      load();
    } else { map.invalidateSize(); }
  });
  document.getElementById("map-filters").addEventListener("submit", function (ev) { ev.preventDefault(); load(); });
})();
