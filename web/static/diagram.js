/* The process diagram of one recommendation (bpmn-js NavigatedViewer from the npm registry).
   The server says which elements are done, current or waiting and which flows were taken
   (data-highlight); this file only draws the deployed BPMN and paints those ids. */
(function () {
  "use strict";
  var el = document.getElementById("diagram");
  if (!el) return;
  if (!window.BpmnJS) {
    el.textContent = el.dataset.error;
    el.dataset.ready = "error";
    return;
  }
  var highlight = JSON.parse(el.dataset.highlight || "{}");
  var viewer = new window.BpmnJS({ container: el });

  function mark(canvas, registry, ids, cls) {
    (ids || []).forEach(function (id) {
      if (registry.get(id)) canvas.addMarker(id, cls);
    });
  }

  // Where the process is now, at a scale people can read (fitting a whole process into a laptop's
  // width makes its labels unreadable); "whole process" and "current step" switch between the two.
  function centre(canvas, registry, marks) {
    var current = registry.get((marks.active || [])[0] || (marks.waiting || [])[0] || "");
    canvas.zoom("fit-viewport");
    if (!current || canvas.zoom() >= 0.8) return;
    var size = canvas.getSize(), scale = 0.85;
    var w = size.width / scale, h = size.height / scale;
    canvas.viewbox({
      x: current.x + current.width / 2 - w / 2,
      y: current.y + current.height / 2 - h / 2,
      width: w,
      height: h,
    });
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
      var canvas = viewer.get("canvas");
      var registry = viewer.get("elementRegistry");
      mark(canvas, registry, highlight.completed, "is-completed");
      mark(canvas, registry, highlight.flows, "is-taken");
      mark(canvas, registry, highlight.waiting, "is-waiting");
      mark(canvas, registry, highlight.active, "is-active");
      centre(canvas, registry, highlight);
      document.querySelectorAll("[data-diagram-view]").forEach(function (button) {
        button.hidden = false;
        button.addEventListener("click", function () {
          if (button.dataset.diagramView === "all") canvas.zoom("fit-viewport", "auto");
          else centre(canvas, registry, highlight);
        });
      });
      el.dataset.ready = "true";
    })
    .catch(function () {
      el.textContent = el.dataset.error;
      el.dataset.ready = "error";
    });
})();
