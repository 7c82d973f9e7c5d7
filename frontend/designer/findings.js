// The engine's checks on the diagram: a badge and a marker at each element a finding concerns, and
// the list below the diagram (click a finding to go to its element). Messages come from the server
// in the user's language, with what to do.
import { escapeHtml, t } from "./common";

let overlayIds = [];
let marked = [];

export function showFindings(report, { modeler, list, strings }) {
  const findings = (report && report.findings) || [];
  if (modeler) paint(modeler, findings);
  if (!list) return;
  const errors = findings.filter((f) => f.severity === "error").length;
  const warnings = findings.length - errors;
  const summary = list.querySelector("[data-summary]");
  if (summary) {
    summary.textContent = findings.length
      ? t(strings, "{errors} error(s), {warnings} warning(s)", { errors, warnings })
      : t(strings, "No problems: the draft can be deployed.");
    summary.dataset.state = errors ? "error" : warnings ? "warning" : "ok";
  }
  const ul = list.querySelector("ul");
  ul.innerHTML = "";
  findings.forEach((finding) => {
    const li = document.createElement("li");
    li.className = "finding finding--" + finding.severity;
    li.dataset.element = finding.element_id || "";
    li.dataset.rule = finding.rule;
    const where = finding.element_id
      ? '<button type="button" class="link-button finding__where">' + escapeHtml(finding.element_name || finding.element_id) + "</button>"
      : '<span class="finding__where">' + escapeHtml(finding.file) + "</span>";
    li.innerHTML =
      '<span class="finding__severity">' +
      escapeHtml(finding.severity_label) +
      "</span> " +
      where +
      ': <span class="finding__message">' +
      escapeHtml(finding.message) +
      "</span>" +
      (finding.hint ? ' <span class="finding__hint">' + escapeHtml(finding.hint) + "</span>" : "");
    const button = li.querySelector("button");
    if (button && modeler) {
      button.addEventListener("click", () => focusElement(modeler, finding.element_id));
    }
    ul.appendChild(li);
  });
}

function paint(modeler, findings) {
  const overlays = modeler.get("overlays");
  const canvas = modeler.get("canvas");
  const registry = modeler.get("elementRegistry");
  overlayIds.forEach((id) => overlays.remove(id));
  marked.forEach(([id, cls]) => registry.get(id) && canvas.removeMarker(id, cls));
  overlayIds = [];
  marked = [];
  const byElement = {};
  findings.forEach((f) => {
    const shape = shapeFor(modeler, f.element_id);
    if (shape) (byElement[shape.id] = byElement[shape.id] || []).push(f);
  });
  Object.keys(byElement).forEach((target) => {
    const items = byElement[target];
    const id = target;
    const severity = items.some((f) => f.severity === "error") ? "error" : "warning";
    const cls = "has-check-" + severity;
    canvas.addMarker(id, cls);
    marked.push([id, cls]);
    const text = items.map((f) => f.message + (f.hint ? " — " + f.hint : "")).join("\n");
    const html =
      '<div class="check-badge check-badge--' +
      severity +
      '" data-check-element="' +
      escapeHtml(items.map((f) => f.element_id).filter((v, i, a) => a.indexOf(v) === i).join(" ")) +
      '" title="' +
      escapeHtml(text) +
      '">' +
      (severity === "error" ? "!" : "?") +
      '<div class="check-badge__text">' +
      items.map((f) => "<p>" + escapeHtml(f.message) + (f.hint ? " <em>" + escapeHtml(f.hint) + "</em>" : "") + "</p>").join("") +
      "</div></div>";
    overlayIds.push(overlays.add(id, "ombudsflow-check", { position: { top: -14, left: -14 }, html }));
  });
}

// What a finding's element is drawn as: the element itself, or — for a process of a collaboration —
// its participant (pool). The root of a process without pools is not drawn: nothing to point at.
export function shapeFor(modeler, id) {
  if (!id) return null;
  const registry = modeler.get("elementRegistry");
  const pool = registry.find((e) => e.type === "bpmn:Participant" && e.businessObject.processRef && e.businessObject.processRef.id === id);
  const shape = pool || registry.get(id);
  return shape && shape !== modeler.get("canvas").getRootElement() ? shape : null;
}

export function focusElement(modeler, id) {
  const element = shapeFor(modeler, id);
  if (!element) return false;
  const canvas = modeler.get("canvas");
  if (canvas.zoom() < 0.9) canvas.zoom(1);
  const size = canvas.getSize();
  const box = canvas.viewbox();
  // The element in the middle of the view, at a size people can read.
  canvas.viewbox({
    x: element.x + (element.width || 0) / 2 - box.width / 2,
    y: element.y + (element.height || 0) / 2 - box.height / 2,
    width: box.width,
    height: box.height,
  });
  void size;
  modeler.get("selection").select(element);
  return true;
}
