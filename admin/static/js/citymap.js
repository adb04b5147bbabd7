// The city map (一张图): reports, hotspots sized by heat, grid polygons and cases, with filters.
// Popups are built from DOM nodes with textContent: report text is never parsed as HTML.
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || typeof L === "undefined") { return; }
  var urls = JSON.parse(el.dataset.urls), labels = JSON.parse(el.dataset.labels), links = JSON.parse(el.dataset.links);
  var status = document.getElementById("map-status");
  var map = L.map(el, { preferCanvas: true }).setView([30.0, 120.0], 12);
  var sevColour = { 1: "#7a0916", 2: "#d92d20", 3: "#f79009", 4: "#667085" };

  function node(tag, text, href) {
    var n = document.createElement(tag);
    n.textContent = text;
    if (href) { n.href = href; }
    return n;
  }
  function popup(lines, href, linkText) {
    var box = document.createElement("div");
    lines.forEach(function (line) { box.appendChild(node("div", line)); });
    if (href) { box.appendChild(node("a", linkText, href)); }
    return box;
  }
  function linkTo(kind, id) { return links[kind] ? links[kind].replace(/0$/, String(id)) : null; }

  var layers = {
    grids: L.geoJSON(null, { style: { color: "#52606d", weight: 1, fillColor: "#e4e7eb", fillOpacity: 0.35 },
      onEachFeature: function (f, layer) { layer.bindTooltip(node("span", f.properties.name)); } }),
    reports: L.geoJSON(null, { pointToLayer: function (f, ll) {
        return L.circleMarker(ll, { radius: 4, color: sevColour[f.properties.severity] || "#1f5fa8", weight: 1, fillOpacity: 0.6 }); },
      onEachFeature: function (f, layer) { layer.bindPopup(popup(["#" + f.properties.id + " " + f.properties.at_local, f.properties.text],
        f.properties.case_id ? linkTo("case", f.properties.case_id) : null, labels.open)); } }),
    hotspots: L.geoJSON(null, { pointToLayer: function (f, ll) {
        return L.circleMarker(ll, { radius: 6 + Math.sqrt(Math.max(f.properties.heat, 0)) * 4, color: "#b42318", weight: 2, fillOpacity: 0.25 }); },
      onEachFeature: function (f, layer) { layer.bindPopup(popup([f.properties.label, labels.heat + " " + f.properties.heat.toFixed(1) + " · " + f.properties.size],
        linkTo("hotspot", f.properties.id), labels.open)); } }),
    cases: L.geoJSON(null, { pointToLayer: function (f, ll) {
        return L.marker(ll, { icon: L.divIcon({ className: "case-pin sev" + f.properties.severity, iconSize: [10, 10] }) }); },
      onEachFeature: function (f, layer) { layer.bindPopup(popup([f.properties.number, f.properties.status_name + " · " + f.properties.severity_name],
        linkTo("case", f.properties.id), labels.open)); } })
  };
  var overlays = {};
  overlays[labels.grids] = layers.grids; overlays[labels.reports] = layers.reports;
  overlays[labels.hotspots] = layers.hotspots; overlays[labels.cases] = layers.cases;
  Object.keys(layers).forEach(function (k) { if (k !== "cases") { layers[k].addTo(map); } });

  var bases = {};
  var tileUrl = el.dataset.tileUrl;
  if (tileUrl) {
    var tiles = L.tileLayer(tileUrl, { maxZoom: 19 }), failures = 0;
    tiles.on("tileerror", function () {
      failures += 1;
      if (failures === 4) { map.removeLayer(tiles); status.textContent = labels.offline; }
    });
    tiles.addTo(map);
  } else {
    status.textContent = labels.offline;
  }
  L.control.layers(bases, overlays, { collapsed: false }).addTo(map);

  function query() {
    var form = new FormData(document.getElementById("map-filters")), params = new URLSearchParams();
    form.forEach(function (v, k) { if (v) { params.set(k, v); } });
    return params.toString();
  }
  function load(name, fit) {
    return fetch(urls[name] + "?" + query(), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        layers[name].clearLayers(); layers[name].addData(data);
        if (fit && layers[name].getLayers().length) { map.fitBounds(layers[name].getBounds()); }
        el.dataset["loaded" + name.charAt(0).toUpperCase() + name.slice(1)] = String(data.features.length);
      });
  }
  function reload() { return Promise.all(["reports", "hotspots", "cases"].map(function (n) { return load(n, false); })); }
  load("grids", true).then(reload).then(function () { el.dataset.ready = "1"; });
  document.getElementById("map-filters").addEventListener("submit", function (ev) { ev.preventDefault(); reload(); });
})();
