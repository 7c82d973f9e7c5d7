// A version beside the one before it, coloured by bpmn-js-differ: added green, changed amber,
// removed red (on the older diagram), moved only (layout) blue. The server lists the same changes
// in words; this draws them.
import NavigatedViewer from "bpmn-js/lib/NavigatedViewer";
import { BpmnModdle } from "bpmn-moddle";
import { diff } from "bpmn-js-differ";

import "bpmn-js/dist/assets/diagram-js.css";
import "bpmn-js/dist/assets/bpmn-js.css";
import "bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css";

import spiffworkflow from "../spiffworkflow.json";
import { request } from "./common";

const root = document.getElementById("version-diff");
if (root) start(root);

async function definitions(xml) {
  const moddle = new BpmnModdle({ spiffworkflow });
  const { rootElement } = await moddle.fromXML(xml);
  return rootElement;
}

function mark(viewer, ids, cls) {
  const canvas = viewer.get("canvas");
  const registry = viewer.get("elementRegistry");
  ids.forEach((id) => {
    if (registry.get(id)) canvas.addMarker(id, cls);
  });
}

// A wide process fitted into the page is too small to read: show the changes at a readable size.
function focusOn(viewer, ids) {
  const canvas = viewer.get("canvas");
  const registry = viewer.get("elementRegistry");
  const shapes = ids.map((id) => registry.get(id)).filter((e) => e && e.width !== undefined);
  if (!shapes.length || canvas.zoom() >= 0.7) return;
  const x1 = Math.min(...shapes.map((e) => e.x));
  const y1 = Math.min(...shapes.map((e) => e.y));
  const x2 = Math.max(...shapes.map((e) => e.x + e.width));
  const y2 = Math.max(...shapes.map((e) => e.y + e.height));
  const size = canvas.getSize();
  const scale = Math.min(1, size.width / (x2 - x1 + 300), size.height / (y2 - y1 + 200));
  const width = size.width / scale;
  const height = size.height / scale;
  canvas.viewbox({ x: (x1 + x2) / 2 - width / 2, y: (y1 + y2) / 2 - height / 2, width, height });
}

async function start(root) {
  const newer = new NavigatedViewer({ container: root.querySelector("[data-diagram=new]"), moddleExtensions: { spiffworkflow } });
  const olderEl = root.querySelector("[data-diagram=old]");
  const older = olderEl ? new NavigatedViewer({ container: olderEl, moddleExtensions: { spiffworkflow } }) : null;
  try {
    const newXml = await request(root.dataset.newUrl, { type: "text/plain" });
    await newer.importXML(newXml);
    newer.get("canvas").zoom("fit-viewport");
    if (older && root.dataset.oldUrl) {
      const oldXml = await request(root.dataset.oldUrl, { type: "text/plain" });
      await older.importXML(oldXml);
      older.get("canvas").zoom("fit-viewport");
      const changes = diff(await definitions(oldXml), await definitions(newXml));
      // The engine's own comparison (what the process does) joins bpmn-js-differ's (what the
      // diagram says): a timer expression or a decision table changed is a change too.
      const server = JSON.parse(root.dataset.engineChanges || "{}");
      const union = (a, b) => Array.from(new Set([...(a || []), ...(b || [])]));
      const added = union(Object.keys(changes._added || {}), server.added);
      const removed = union(Object.keys(changes._removed || {}), server.removed);
      const changed = union(Object.keys(changes._changed || {}), server.changed).filter((id) => !added.includes(id));
      const layout = Object.keys(changes._layoutChanged || {}).filter((id) => !changed.includes(id));
      mark(newer, added, "diff-added");
      mark(newer, changed, "diff-changed");
      mark(newer, layout, "diff-layout");
      mark(older, removed, "diff-removed");
      mark(older, changed, "diff-changed");
      focusOn(newer, [...changed, ...added]);
      focusOn(older, removed.length ? removed : changed);
      root.dataset.added = added.join(" ");
      root.dataset.removed = removed.join(" ");
      root.dataset.changed = changed.join(" ");
    }
    root.dataset.ready = "true";
  } catch (err) {
    root.dataset.ready = "error";
    root.querySelector("[data-error]").hidden = false;
  }
}
