// The public page's plumbing: its words, the API with a bearer token, the tabs. Plain JS, no build step.
(function () {
  "use strict";
  var API = "/api/v1";
  var T = JSON.parse(document.getElementById("page-text").textContent);
  var USER_KEY = "gw-public-user", GUEST_KEY = "gw-public-guest";

  function storage(kind) { try { return window[kind]; } catch (e) { return null; } }

  function uuid() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  // A signed-in resident (kept in localStorage) or the guest of the report being written (sessionStorage).
  var GW = {
    T: T, uuid: uuid,
    user: function () { var s = storage("localStorage"); return s ? JSON.parse(s.getItem(USER_KEY) || "null") : null; },
    setUser: function (u) { var s = storage("localStorage"); if (s) { if (u) { s.setItem(USER_KEY, JSON.stringify(u)); } else { s.removeItem(USER_KEY); } } },
    guest: function () { var s = storage("sessionStorage"); return s ? JSON.parse(s.getItem(GUEST_KEY) || "null") : null; },
    setGuest: function (g) { var s = storage("sessionStorage"); if (s) { if (g) { s.setItem(GUEST_KEY, JSON.stringify(g)); } else { s.removeItem(GUEST_KEY); } } },
    token: function () { var u = GW.user(); if (u) { return u.token; } var g = GW.guest(); return g ? g.token : null; }
  };

  // fetch with the token; resolves {status, body} (body: parsed JSON or a Blob), rejects only on network failure.
  GW.api = function (method, path, body, options) {
    options = options || {};
    var headers = { "Accept": "application/json" };
    var token = options.token === "-" ? null : (options.token || GW.token());
    if (token) { headers.Authorization = "Bearer " + token; }
    var init = { method: method, headers: headers, credentials: "omit", referrerPolicy: "no-referrer" };
    if (body instanceof FormData) { init.body = body; }
    else if (body !== undefined && body !== null) { headers["Content-Type"] = "application/json"; init.body = JSON.stringify(body); }
    return fetch(API + path, init).then(function (response) {
      if (options.blob && response.ok) { return response.blob().then(function (b) { return { status: response.status, body: b }; }); }
      return response.text().then(function (text) {
        var parsed = null;
        try { parsed = text ? JSON.parse(text) : null; } catch (e) { parsed = { message: text }; }
        return { status: response.status, body: parsed };
      });
    });
  };

  GW.message = function (body) {
    if (!body) { return ""; }
    var parts = [body.message || ""];
    var errors = body.errors || {};
    Object.keys(errors).forEach(function (k) { parts.push(k + ": " + [].concat(errors[k]).join(" ")); });
    return parts.join(" ");
  };

  GW.el = function (tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  };

  GW.statusWord = function (code) { return T.status[code] || code; };

  GW.categories = function () {
    if (!GW._categories) {
      GW._categories = GW.api("GET", "/categories").then(function (r) { return r.status === 200 ? r.body : []; });
    }
    return GW._categories;
  };
  GW.categoryName = function (c) {
    if (!c) { return ""; }
    return document.documentElement.lang === "en" && c.name_en ? c.name_en : c.name;
  };
  GW.fillCategories = function (select) {
    return GW.categories().then(function (list) {
      var groups = {};
      list.filter(function (c) { return !c.parent; }).forEach(function (c) {
        groups[c.code] = GW.el("optgroup", { label: GW.categoryName(c) });
        select.appendChild(groups[c.code]);
      });
      list.filter(function (c) { return c.parent; }).forEach(function (c) {
        (groups[c.parent] || select).appendChild(GW.el("option", { value: c.code }, GW.categoryName(c)));
      });
    });
  };

  // Tabs (WAI-ARIA: arrow keys move between them, the panel shows).
  var tabs = Array.prototype.slice.call(document.querySelectorAll("[role=tab]"));
  GW.showTab = function (id) {
    tabs.forEach(function (tab) {
      var on = tab.id === id;
      tab.setAttribute("aria-selected", on ? "true" : "false");
      tab.tabIndex = on ? 0 : -1;
      document.getElementById(tab.getAttribute("aria-controls")).hidden = !on;
    });
    document.dispatchEvent(new CustomEvent("gw-tab", { detail: id }));
  };
  tabs.forEach(function (tab, i) {
    tab.addEventListener("click", function () { GW.showTab(tab.id); });
    tab.addEventListener("keydown", function (ev) {
      var step = ev.key === "ArrowRight" ? 1 : ev.key === "ArrowLeft" ? -1 : 0;
      if (!step) { return; }
      var next = tabs[(i + step + tabs.length) % tabs.length];
      GW.showTab(next.id); next.focus(); ev.preventDefault();
    });
  });

  // The base map of the grids (tiles only when a tile server is configured).
  GW.baseMap = function (el) {
    var map = L.map(el, { attributionControl: false }).setView([0, 0], 2);
    if (el.dataset.tileUrl) { L.tileLayer(el.dataset.tileUrl, { maxZoom: 19 }).addTo(map); }
    GW.api("GET", "/public/basemap").then(function (r) {
      if (r.status !== 200 || !r.body.features.length) { return; }
      var layer = L.geoJSON(r.body, { style: { color: "#4a5a75", weight: 1.5, dashArray: "4 3", fillColor: "#ffffff", fillOpacity: 0.6 },
        interactive: false }).addTo(map);
      if (!map._gwFitted) { map.fitBounds(layer.getBounds()); }
    });
    return map;
  };

  window.GW = GW;
})();
