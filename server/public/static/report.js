// Reporting a hazard: account or guest, category, text, photos, a voice note, the place, nearby reports, sending.
(function () {
  "use strict";
  var GW = window.GW, T = GW.T;
  var $ = function (id) { return document.getElementById(id); };
  var DRAFT_KEY = "gw-public-draft";
  var photos = [], voice = null, pin = null, marker = null, map = null, recorder = null;

  // --- who is reporting ---
  function showWho() {
    var user = GW.user();
    $("who").textContent = user ? T.signed_in + (user.label || "") : "";
    $("account-choice").hidden = !!user;
    $("sign-out").hidden = !user;
    $("anonymous").checked = $("anonymous").checked || !user;
    $("anonymous").disabled = !user;  // a guest is always anonymous
  }
  Array.prototype.forEach.call(document.querySelectorAll("input[name=mode]"), function (radio) {
    radio.addEventListener("change", function () {
      var phone = radio.value === "phone" && radio.checked;
      $("phone-box").hidden = !phone; $("guest-note").hidden = phone;
    });
  });
  function signedIn(r) {
    if (r.status === 200 || r.status === 201) {
      GW.setUser({ token: r.body.access_token, label: r.body.user.phone || r.body.user.username });
      GW.setGuest(null); $("password").value = ""; $("account-error").textContent = ""; $("anonymous").checked = false;
      showWho(); lookNearby();
    } else { $("account-error").textContent = GW.message(r.body); }
  }
  $("sign-in").addEventListener("click", function () {
    GW.api("POST", "/auth/login", { username: $("phone").value, password: $("password").value }, { token: "-" })
      .then(signedIn, function () { $("account-error").textContent = T.network; });
  });
  $("register").addEventListener("click", function () {
    GW.api("POST", "/auth/register", { phone: $("phone").value, password: $("password").value }, { token: "-" })
      .then(signedIn, function () { $("account-error").textContent = T.network; });
  });
  $("sign-out").addEventListener("click", function () {
    GW.api("POST", "/auth/logout").then(function () { GW.setUser(null); showWho(); }, function () { GW.setUser(null); showWho(); });
  });

  // A guest is made when first needed (nearby look-up or sending) and kept with the draft until it is sent.
  function ensureToken() {
    if (GW.token()) { return Promise.resolve(GW.token()); }
    return GW.api("POST", "/public/guests", {}).then(function (r) {
      if (r.status !== 201) { throw r; }
      GW.setGuest({ token: r.body.access_token });
      return r.body.access_token;
    });
  }

  // --- photos ---
  function addPhotos(files) {
    Array.prototype.forEach.call(files, function (file) {
      if (photos.length >= 6) { return; }
      photos.push(file);
      var li = GW.el("li"), img = GW.el("img", { alt: file.name });
      img.src = URL.createObjectURL(file);
      li.appendChild(img); $("photo-list").appendChild(li);
    });
  }
  $("camera").addEventListener("change", function (ev) { addPhotos(ev.target.files); ev.target.value = ""; });
  $("album").addEventListener("change", function (ev) { addPhotos(ev.target.files); ev.target.value = ""; });

  // --- voice: MediaRecorder, or a chosen file ---
  function setVoice(blob, name) {
    voice = blob ? new File([blob], name, { type: blob.type }) : null;
    $("voice-preview").hidden = !blob; $("voice-remove").hidden = !blob;
    if (blob) { $("voice-preview").src = URL.createObjectURL(blob); $("voice-status").textContent = T.recorded; }
    else { $("voice-preview").removeAttribute("src"); $("voice-status").textContent = ""; }
  }
  $("record").addEventListener("click", function () {
    var button = $("record");
    if (recorder && recorder.state === "recording") { recorder.stop(); return; }
    if (!navigator.mediaDevices || !window.MediaRecorder) { $("voice-status").textContent = T.no_mic; return; }
    navigator.mediaDevices.getUserMedia({ audio: true }).then(function (stream) {
      var type = ["audio/webm;codecs=opus", "audio/ogg;codecs=opus", "audio/mp4"].filter(function (t) {
        return MediaRecorder.isTypeSupported(t); })[0];
      var chunks = [];
      recorder = new MediaRecorder(stream, type ? { mimeType: type } : undefined);
      recorder.ondataavailable = function (e) { if (e.data.size) { chunks.push(e.data); } };
      recorder.onstop = function () {
        stream.getTracks().forEach(function (t) { t.stop(); });
        var mime = (recorder.mimeType || type || "audio/webm").split(";")[0];
        var ext = { "audio/webm": "webm", "audio/ogg": "ogg", "audio/mp4": "m4a" }[mime] || "webm";
        setVoice(new Blob(chunks, { type: mime }), "voice." + ext);
        button.setAttribute("aria-pressed", "false"); button.textContent = button.dataset.idle;
      };
      recorder.start();
      button.dataset.idle = button.dataset.idle || button.textContent;
      button.setAttribute("aria-pressed", "true"); button.textContent = $("record").dataset.stop;
      $("voice-status").textContent = T.recording;
    }, function () { $("voice-status").textContent = T.no_mic; });
  });
  $("audio-file").addEventListener("change", function (ev) {
    var f = ev.target.files[0]; if (f) { setVoice(f, f.name); } ev.target.value = "";
  });
  $("voice-remove").addEventListener("click", function () { setVoice(null); });

  // --- place: the device's location or a pin; else the address ---
  function setPin(lat, lon, note) {
    pin = { lat: Math.round(lat * 1e6) / 1e6, lon: Math.round(lon * 1e6) / 1e6 };
    if (!marker) {
      marker = L.marker([pin.lat, pin.lon], { draggable: true, keyboard: true, title: T.pin_set }).addTo(map);
      marker.on("dragend", function () { var p = marker.getLatLng(); setPin(p.lat, p.lng); });
    } else { marker.setLatLng([pin.lat, pin.lon]); }
    $("place-status").textContent = note || T.pin_set + pin.lat.toFixed(5) + ", " + pin.lon.toFixed(5);
    lookNearby();
  }
  $("locate").addEventListener("click", function () {
    if (!navigator.geolocation) { $("place-status").textContent = T.no_location; $("no-map").open = true; return; }
    $("place-status").textContent = T.locating;
    navigator.geolocation.getCurrentPosition(function (pos) {
      map._gwFitted = true;
      map.setView([pos.coords.latitude, pos.coords.longitude], 16);
      setPin(pos.coords.latitude, pos.coords.longitude, T.located);
    }, function () { $("place-status").textContent = T.no_location; $("no-map").open = true; },
    { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  });

  // --- nearby open reports of the same kind, and 我也遇到了 ---
  function lookNearby() {
    var category = $("category").value;
    if (!pin || !category) { $("nearby").hidden = true; return; }
    ensureToken().then(function () {
      return GW.api("GET", "/reports/nearby?lat=" + pin.lat + "&lon=" + pin.lon + "&category=" + encodeURIComponent(category));
    }).then(function (r) {
      var list = $("nearby-list"); list.textContent = "";
      $("nearby").hidden = false;
      if (r.status !== 200 || !r.body.items.length) { list.appendChild(GW.el("li", {}, T.none_nearby)); return; }
      r.body.items.forEach(function (item) {
        var li = GW.el("li");
        li.appendChild(GW.el("p", {}, GW.categoryName(item.category) + " · " + item.distance_m + " m · " +
          GW.statusWord(item.status.replace("case.", "")) + " · " + item.supporters + " " + T.people));
        li.appendChild(GW.el("p", { "class": "note" }, item.text));
        var button = GW.el("button", { type: "button", "class": "secondary" }, T.me_too);
        if (item.supported) { button.disabled = true; }
        button.addEventListener("click", function () {
          button.disabled = true;
          GW.api("POST", "/reports/" + item.id + "/support", { client_uuid: GW.uuid() }).then(function (s) {
            li.appendChild(GW.el("p", { role: "status" }, s.status < 300 ? T.supported : GW.message(s.body)));
          });
        });
        li.appendChild(button); list.appendChild(li);
      });
    }, function () { $("nearby").hidden = true; });
  }
  $("category").addEventListener("change", lookNearby);

  // --- sending: one client_uuid per draft, kept across retries ---
  function draft() {
    var d = JSON.parse(sessionStorage.getItem(DRAFT_KEY) || "null");
    if (!d) { d = { client_uuid: GW.uuid() }; sessionStorage.setItem(DRAFT_KEY, JSON.stringify(d)); }
    return d;
  }
  function show(cls, nodes) {
    var out = $("result"); out.textContent = ""; out.className = cls;
    nodes.forEach(function (n) { out.appendChild(typeof n === "string" ? GW.el("p", {}, n) : n); });
    out.scrollIntoView({ block: "nearest" });
  }
  function sent(r, guestToken) {
    var nodes = [GW.el("p", { id: "report-number" }, (r.status === 201 ? T.sent : T.resent) + r.body.id)];
    if (guestToken) {
      var link = location.origin + location.pathname + "#follow=" + r.body.id + "&key=" + guestToken;
      nodes.push(T.follow_link);
      var p = GW.el("p");
      p.appendChild(GW.el("a", { href: link, id: "follow-link", rel: "noreferrer" }, link));
      nodes.push(p);
      var copy = GW.el("button", { type: "button", "class": "secondary" }, T.copy);
      copy.addEventListener("click", function () {
        navigator.clipboard.writeText(link).then(function () { copy.textContent = T.copied; });
      });
      nodes.push(copy);
    }
    sessionStorage.removeItem(DRAFT_KEY); GW.setGuest(null);
    photos = []; $("photo-list").textContent = ""; setVoice(null); $("text").value = "";
    show("done", nodes);
  }
  $("report-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var text = $("text").value.trim();
    if (!text && !photos.length && !voice) { show("failed", [T.need_something]); $("text").focus(); return; }
    var d = draft(), button = $("submit");
    button.dataset.label = button.dataset.label || button.textContent;
    button.disabled = true; show("", [T.sending]);
    ensureToken().then(function () {
      var form = new FormData();
      form.append("client_uuid", d.client_uuid); form.append("text", text); form.append("channel", "web");
      form.append("anonymous", $("anonymous").checked || !GW.user() ? "true" : "false");
      if ($("category").value) { form.append("category_hint", $("category").value); }
      if (pin) { form.append("lat", pin.lat); form.append("lon", pin.lon); }
      if ($("address").value.trim()) { form.append("address", $("address").value.trim()); }
      photos.forEach(function (p) { form.append("photos", p, p.name); });
      if (voice) { form.append("audio", voice, voice.name); }
      var guest = GW.user() ? null : GW.guest();
      return GW.api("POST", "/reports", form).then(function (r) {
        if (r.status === 200 || r.status === 201) { sent(r, guest && guest.token); button.textContent = button.dataset.label; }
        else { show("failed", [T.error + GW.message(r.body)]); }
      });
    }).catch(function (r) {
      show("failed", [r && r.status ? T.error + GW.message(r.body) : T.network]);
      button.textContent = $("submit").dataset.retry;
    }).then(function () { button.disabled = false; });
  });

  map = GW.baseMap($("pick-map"));
  map.on("click", function (e) { setPin(e.latlng.lat, e.latlng.lng); });
  // Keyboard: the arrow keys move the map (Leaflet), Enter puts the pin at its centre.
  map.getContainer().addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" && ev.target === map.getContainer()) {
      var c = map.getCenter(); setPin(c.lat, c.lng); ev.preventDefault();
    }
  });
  // Enter in the sign-in fields signs in; it must not send the report.
  ["phone", "password"].forEach(function (id) {
    $(id).addEventListener("keydown", function (ev) {
      if (ev.key === "Enter") { ev.preventDefault(); $("sign-in").click(); }
    });
  });
  GW.fillCategories($("category"));
  showWho();
})();
