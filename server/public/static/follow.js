// Following a report: by number (signed in) or by the follow-up link (#follow=<id>&key=<token>, never sent to the
// server); status in words, the public history, the department's feedback with its photos, the rating after closure.
(function () {
  "use strict";
  var GW = window.GW, T = GW.T;
  var out = document.getElementById("follow-out");
  var zone = document.body.dataset.timezone || "Asia/Shanghai";

  function when(iso) {
    try {
      return new Date(iso).toLocaleString(document.documentElement.lang, { timeZone: zone, hour12: false,
        year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" });
    } catch (e) { return iso; }
  }

  function ratingForm(id, token) {
    var form = GW.el("form", { id: "rating-form" });
    var set = GW.el("fieldset"); set.appendChild(GW.el("legend", {}, T.rate_title));
    Object.keys(T.ratings).forEach(function (code, i) {
      var label = GW.el("label", { "class": "choice" });
      var radio = GW.el("input", { type: "radio", name: "rating", value: code });
      if (i === 0) { radio.checked = true; }
      label.appendChild(radio); label.appendChild(document.createTextNode(" " + T.ratings[code]));
      set.appendChild(label);
    });
    set.appendChild(GW.el("label", { "for": "rating-comment" }, T.comment));
    set.appendChild(GW.el("textarea", { id: "rating-comment", rows: "2", maxlength: "2000" }));
    set.appendChild(GW.el("button", { type: "submit" }, T.rate_button));
    var note = GW.el("p", { role: "status", id: "rating-status" });
    set.appendChild(note); form.appendChild(set);
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var rating = form.querySelector("input[name=rating]:checked").value;
      var comment = document.getElementById("rating-comment").value.trim() || null;
      GW.api("POST", "/reports/" + id + "/rating", { rating: rating, comment: comment }, { token: token })
        .then(function (r) {
          if (r.status === 201) { form.replaceWith(GW.el("p", { "class": "done", id: "rated" }, T.thanks + " " + T.rated + T.ratings[rating])); }
          else { note.textContent = GW.message(r.body); }
        });
    });
    return form;
  }

  function feedbackBlock(feedback, token) {
    var block = GW.el("section", { "aria-labelledby": "feedback-title" });
    block.appendChild(GW.el("h3", { id: "feedback-title" }, T.feedback));
    feedback.items.forEach(function (item) {
      var card = GW.el("div", { "class": "cards" });
      card.appendChild(GW.el("p", { "class": "note" }, when(item.at)));
      if (item.result) { card.appendChild(GW.el("p", {}, T.result + "：" + item.result)); }
      if (item.measures) { card.appendChild(GW.el("p", {}, T.measures + "：" + item.measures)); }
      var thumbs = GW.el("ul", { "class": "thumbs" });
      item.attachments.filter(function (a) { return a.kind === "photo"; }).forEach(function (a) {
        var li = GW.el("li"), img = GW.el("img", { alt: T.photo_alt, "class": "feedback-photo" });
        li.appendChild(img); thumbs.appendChild(li);
        GW.api("GET", (a.thumb_url || a.url).replace("/api/v1", ""), null, { token: token, blob: true })
          .then(function (r) { if (r.status === 200) { img.src = URL.createObjectURL(r.body); } });
      });
      card.appendChild(thumbs); block.appendChild(card);
    });
    return block;
  }

  function load(id, token) {
    out.textContent = "";
    Promise.all([GW.api("GET", "/reports/" + id, null, { token: token }),
                 GW.api("GET", "/reports/" + id + "/feedback", null, { token: token })]).then(function (rs) {
      var report = rs[0], feedback = rs[1];
      if (report.status !== 200) { out.appendChild(GW.el("p", { "class": "failed", role: "alert" }, T.not_found)); return; }
      var r = report.body, f = feedback.status === 200 ? feedback.body : { items: [], status: null };
      var status = f.status || (r.stage === "failed" ? "failed" : "processing");
      var head = GW.el("section", { "aria-labelledby": "follow-head" });
      head.appendChild(GW.el("h3", { id: "follow-head" }, T.report + " #" + r.id + (r.category ? " · " + GW.categoryName(r.category) : "")));
      var p = GW.el("p", {}, T.stage + "：");
      p.appendChild(GW.el("span", { "class": "status-word", id: "status-word" },
        status === "failed" ? T.stages.failed : GW.statusWord(status)));
      head.appendChild(p);
      if (r.text) { head.appendChild(GW.el("p", { "class": "note" }, r.text)); }
      head.appendChild(GW.el("h3", {}, T.timeline));
      var list = GW.el("ol", { id: "timeline" });
      r.timeline.forEach(function (e) {
        var word = e.stage.indexOf("case.") === 0 ? GW.statusWord(e.stage.slice(5)) : (T.stages[e.stage] || e.stage);
        // The reporter's note (Chinese, with any public reply) says the status already; English adds the word.
        var said = document.documentElement.lang === "en" ? word + (e.note ? " — " + e.note : "") : (e.note || word);
        list.appendChild(GW.el("li", {}, when(e.at) + " " + said));
      });
      head.appendChild(list); out.appendChild(head);
      if (f.items.length) { out.appendChild(feedbackBlock(f, token)); }
      if (f.can_rate) { out.appendChild(ratingForm(id, token)); }
      else if (f.rating) { out.appendChild(GW.el("p", { id: "rated" }, T.rated + (T.ratings[f.rating] || f.rating))); }
    }, function () { out.appendChild(GW.el("p", { "class": "failed", role: "alert" }, T.network)); });
  }

  document.getElementById("follow-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var number = document.getElementById("follow-number").value.trim();
    var user = GW.user(), link = GW._followLink;
    if (link && String(link.id) === number) { load(number, link.key); return; }
    if (!user) { out.textContent = ""; out.appendChild(GW.el("p", { "class": "failed", role: "alert" }, T.need_sign_in)); return; }
    if (/^[0-9]+$/.test(number)) { load(number, user.token); }
  });

  function fromHash() {
    var params = new URLSearchParams(location.hash.slice(1));
    var id = params.get("follow"), key = params.get("key");
    if (!id || !/^[0-9]+$/.test(id)) { return; }
    GW._followLink = { id: id, key: key };
    document.getElementById("follow-number").value = id;
    GW.showTab("tab-follow");
    load(id, key || (GW.user() || {}).token);
  }
  window.addEventListener("hashchange", fromHash);
  fromHash();
})();
