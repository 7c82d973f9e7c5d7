/* Small progressive enhancements; every page works without this file.
   Keyboard: "/" search, "j"/"k" next/previous task in the inbox, Ctrl+Enter complete a task,
   Ctrl+S save its draft. No business rules here: the server decides everything. */
(function () {
  "use strict";

  function typing(target) {
    var tag = (target && target.tagName) || "";
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }

  function moveInInbox(step) {
    var links = Array.prototype.slice.call(document.querySelectorAll(".inbox-row .task-link"));
    if (!links.length) return;
    var index = links.indexOf(document.activeElement);
    var next = index < 0 ? (step > 0 ? 0 : links.length - 1) : Math.min(Math.max(index + step, 0), links.length - 1);
    links[next].focus();
  }

  document.addEventListener("keydown", function (event) {
    var form = document.getElementById("task-form");
    if (form && (event.ctrlKey || event.metaKey)) {
      if (event.key === "Enter") {
        var complete = form.querySelector('button[value="complete"]');
        if (complete && !complete.disabled) { event.preventDefault(); complete.click(); }
        return;
      }
      if (event.key === "s" || event.key === "S") {
        var draft = form.querySelector('button[value="draft"]');
        if (draft && !draft.disabled) { event.preventDefault(); draft.click(); }
        return;
      }
    }
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    if (event.key === "/") {
      var search = document.getElementById("q");
      if (search) { event.preventDefault(); search.focus(); search.select(); }
    } else if (event.key === "j") {
      moveInInbox(1);
    } else if (event.key === "k") {
      moveInInbox(-1);
    }
  });

  // After the server refused a form, start where the first message is.
  document.addEventListener("DOMContentLoaded", function () {
    var invalid = document.querySelector('main [aria-invalid="true"]');
    if (invalid) invalid.focus();
  });

  // "Add a member": copy the last row of the group table with the next index and empty values.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-add-row]");
    if (!button) return;
    var body = document.querySelector(button.getAttribute("data-add-row") + " tbody");
    var last = body && body.lastElementChild;
    if (!last) return;
    var index = body.children.length;
    var row = last.cloneNode(true);
    row.querySelectorAll("[name]").forEach(function (input) {
      input.name = input.name.replace(/members-\d+-/, "members-" + index + "-");
      var label = input.getAttribute("aria-label");
      if (label) input.setAttribute("aria-label", label.replace(/\d+$/, String(index + 1)));
      if (input.tagName === "INPUT") input.value = "";
      if (input.tagName === "SELECT" && input.name.endsWith("user_id")) input.value = "";
      input.removeAttribute("aria-invalid");
    });
    row.querySelectorAll(".field-error").forEach(function (p) { p.remove(); });
    body.appendChild(row);
    row.querySelector("input").focus();
  });

  // Readiness: every handler above is bound and the page has settled (this listener runs after the
  // other DOMContentLoaded ones). Browser tests wait for it after each navigation
  // (tests/browser_ready.py) instead of pressing keys into a page whose script has not run yet.
  document.addEventListener("DOMContentLoaded", function () {
    document.documentElement.dataset.ready = "1";
  });
})();
