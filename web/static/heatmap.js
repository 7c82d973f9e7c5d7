/* The heat map of the process (bpmn-js NavigatedViewer from the npm registry). The server says, per
   element, a colour level for "waiting now" and for "median wait", the badge's words and the list's
   URL (data-heat); this file only draws the deployed BPMN, colours the elements and adds the badges. */
(function () {
  "use strict";
  var el = document.getElementById("heatmap");
  if (!el) return;
  if (!window.BpmnJS) {
    el.textContent = el.dataset.error;
    el.dataset.ready = "error";
    return;
  }
  var heat = JSON.parse(el.dataset.heat || "{}");
  var viewer = new window.BpmnJS({ container: el });
  var badges = [];

  function paint(mode) {
    var canvas = viewer.get("canvas");
    var registry = viewer.get("elementRegistry");
    var overlays = viewer.get("overlays");
    badges.forEach(function (id) { overlays.remove(id); });
    badges = [];
    Object.keys(heat).forEach(function (id) {
      if (!registry.get(id)) return;
      for (var i = 1; i <= 5; i++) canvas.removeMarker(id, "heat-" + i);
      var item = heat[id];
      var level = item.levels[mode];
      if (level) canvas.addMarker(id, "heat-" + level);
      var text = item.badge[mode];
      if (!text) return;
      var badge = document.createElement(item.url && mode === "waiting" ? "a" : "span");
      badge.className = "heat-badge heat-badge--" + level;
      badge.textContent = text;
      if (badge.tagName === "A") badge.href = item.url;
      badges.push(overlays.add(id, { position: { top: -14, right: 14 }, html: badge }));
    });
    document.querySelectorAll("[data-heat-mode]").forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.dataset.heatMode === mode));
    });
    el.dataset.mode = mode;
  }

  fetch(el.dataset.url, { credentials: "same-origin" })
    .then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.text();
    })
    .then(function (xml) {
      return viewer.importXML(xml);
    })
    .then(function () {
      viewer.get("canvas").zoom("fit-viewport");
      paint("waiting");
      document.querySelectorAll("[data-heat-mode]").forEach(function (button) {
        button.hidden = false;
        button.addEventListener("click", function () { paint(button.dataset.heatMode); });
      });
      el.dataset.ready = "true";
    })
    .catch(function () {
      el.textContent = el.dataset.error;
      el.dataset.ready = "error";
    });
})();
