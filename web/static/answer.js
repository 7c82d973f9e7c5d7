// The answer form (web/portal/answer.py): keeps what is typed — in this browser (localStorage) and
// on the server (autosave to …/draft) — adds measure rows, and stops a second click from sending
// twice. When the session or the link ends while typing, the text stays and the page says what to do.
(function () {
  "use strict";
  var cleared = document.querySelector("[data-clear-draft]");
  if (cleared) {
    try { localStorage.removeItem(cleared.getAttribute("data-clear-draft")); } catch (e) { /* private mode */ }
  }
  var form = document.getElementById("answer-form");
  if (!form) return;
  var key = form.getAttribute("data-draft-key");
  var url = form.getAttribute("data-draft-url");
  var banner = document.querySelector("[data-session-lost]");
  var status = document.querySelector("[data-autosave-status]");
  var timer = null;

  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.type !== "file" && el.type !== "hidden" && el.type !== "submit" && el.type !== "button";
    });
  }
  // `unsaved`: the server has not got this text yet (autosave pending or refused): it wins over the
  // server's draft when the page opens again; otherwise it only fills fields the server left empty.
  function keep(unsaved) {
    var data = { "__unsaved": unsaved === false ? "" : "1" };
    fields().forEach(function (el) {
      if (el.type === "radio") { if (el.checked) data[el.name] = el.value; }
      else if (el.value) data[el.name] = el.value;
    });
    try { localStorage.setItem(key, JSON.stringify(data)); } catch (e) { /* full or private */ }
  }
  function restore() {
    var raw = null;
    try { raw = localStorage.getItem(key); } catch (e) { return; }
    if (!raw) return;
    var data = JSON.parse(raw);
    var wins = data.__unsaved === "1";
    delete data.__unsaved;
    var restored = false;
    Object.keys(data).forEach(function (name) {
      if (/-measures-\d+-/.test(name)) ensureRow(name);
      var els = form.querySelectorAll('[name="' + name.replace(/"/g, "") + '"]');
      Array.prototype.forEach.call(els, function (el) {
        if (el.type === "radio") {
          if ((wins || !form.querySelector('[name="' + el.name + '"]:checked')) && el.value === data[name]) { el.checked = true; restored = true; }
        } else if ((wins || !el.value) && el.value !== data[name]) { el.value = data[name]; restored = true; }
      });
    });
    if (restored && wins) later();  // hand the server what it missed
  }
  function lost(reason) {
    if (banner) { banner.hidden = false; banner.setAttribute("data-reason", reason); }
  }
  function save() {
    keep();
    if (!url) return;
    var body = new FormData();
    fields().forEach(function (el) {
      if (el.type === "radio" && !el.checked) return;
      body.append(el.name, el.value);
    });
    form.querySelectorAll('input[name="recommendation"]').forEach(function (el) { body.append("recommendation", el.value); });
    var token = document.querySelector('meta[name="csrf-token"]');
    fetch(url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": token ? token.content : "", "Accept": "application/json" }
    }).then(function (r) {
      if (r.ok) { keep(false); if (banner) banner.hidden = true; if (status) status.setAttribute("data-saved", "1"); return; }
      if (r.status === 401 || r.status === 400 || r.status === 403) lost("signed_out");
      else if (r.status === 410 || r.status === 404) lost("link");
    }).catch(function () { /* offline: the text is in localStorage */ });
  }
  function later() { clearTimeout(timer); timer = setTimeout(save, 1200); keep(); }

  function ensureRow(name) {
    var m = /^items-(\d+)-measures-(\d+)-/.exec(name);
    if (!m) return;
    while (!form.querySelector('[name="items-' + m[1] + "-measures-" + m[2] + '-measure"]')) {
      if (!addRow(m[1])) return;
    }
  }
  function addRow(rid) {
    var box = form.querySelector('[data-measures="' + rid + '"]');
    if (!box) return false;
    var rows = box.querySelectorAll("[data-measure-row]");
    var last = rows[rows.length - 1];
    var copy = last.cloneNode(true);
    var n = rows.length;
    copy.querySelectorAll("input, label").forEach(function (el) {
      ["name", "id", "for"].forEach(function (attr) {
        var v = el.getAttribute(attr);
        if (v) el.setAttribute(attr, v.replace(/-measures-\d+-/, "-measures-" + n + "-"));
      });
      if (el.tagName === "INPUT") { el.value = ""; el.removeAttribute("aria-invalid"); }
    });
    copy.querySelectorAll(".field-error").forEach(function (el) { el.remove(); });
    last.parentNode.insertBefore(copy, last.nextSibling);
    return true;
  }
  form.querySelectorAll("[data-add-measure]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { addRow(button.getAttribute("data-add-measure")); });
  });
  form.addEventListener("input", later);
  form.addEventListener("change", later);
  var sending = false;
  form.addEventListener("submit", function (event) {
    keep();
    if (sending) { event.preventDefault(); return; }
    var submitter = event.submitter;
    if (submitter && submitter.hasAttribute("data-submit")) sending = true;
  });
  restore();
})();
