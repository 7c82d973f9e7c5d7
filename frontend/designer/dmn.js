// The decision-table editor (dmn-js): opens the table itself (our tables carry no DRD layout),
// keeps each row's annotation — its legal basis — in view, saves into the draft as you type, and
// the "try it" panel asks the server to evaluate the draft's table for the inputs typed.
import DmnModeler from "dmn-js/lib/Modeler";

import "dmn-js/dist/assets/diagram-js.css";
import "dmn-js/dist/assets/dmn-js-shared.css";
import "dmn-js/dist/assets/dmn-js-drd.css";
import "dmn-js/dist/assets/dmn-js-decision-table.css";
import "dmn-js/dist/assets/dmn-js-decision-table-controls.css";
import "dmn-js/dist/assets/dmn-js-literal-expression.css";
import "dmn-js/dist/assets/dmn-font/css/dmn-embedded.css";

import { debounce, escapeHtml, loadStrings, request, setStatus, t, translateModule } from "./common";

const root = document.getElementById("dmn-editor");
if (root) start(root);

function tableView(modeler) {
  return modeler.getViews().find((v) => v.type === "decisionTable");
}

async function start(root) {
  const strings = loadStrings(root);
  const status = document.getElementById("designer-status");
  const dictionary = JSON.parse(root.dataset.dictionary || "{}");
  const translate = translateModule(dictionary);
  const modeler = new DmnModeler({
    container: root.querySelector(".designer-canvas"),
    common: { additionalModules: [translate] },
  });
  window.ombudsflowDmn = modeler;
  let xml;
  try {
    xml = await request(root.dataset.fileUrl, { type: "text/plain" });
    await modeler.importXML(xml);
    const view = tableView(modeler);
    if (view) await modeler.open(view);
  } catch (err) {
    root.dataset.ready = "error";
    setStatus(status, t(strings, "The decision table could not be opened: {error}", { error: err.message }), "error");
    return;
  }

  let saving = Promise.resolve();
  async function save() {
    setStatus(status, t(strings, "Saving…"), "saving");
    const { xml: text } = await modeler.saveXML({ format: true });
    try {
      await request(root.dataset.fileUrl, { method: "PUT", body: text, type: "application/xml" });
      setStatus(status, t(strings, "Saved in the draft."), "saved");
      root.dataset.saves = String(Number(root.dataset.saves || 0) + 1);
    } catch (err) {
      setStatus(status, t(strings, "Not saved: {error}", { error: err.message }), "error");
    }
  }
  const scheduleSave = debounce(() => {
    saving = saving.then(save, save);
  }, 600);
  function watch() {
    const viewer = modeler.getActiveViewer();
    if (viewer) {
      viewer.get("eventBus").on("elements.changed", () => {
        setStatus(status, t(strings, "Changed…"), "dirty");
        scheduleSave();
      });
    }
  }
  watch();
  modeler.on("views.changed", watch);

  const form = document.getElementById("dmn-try");
  if (form) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      scheduleSave.flush();
      await saving;
      const data = {};
      form.querySelectorAll("[data-input]").forEach((input) => {
        data[input.dataset.input] = input.value;
      });
      const out = document.getElementById("dmn-try-result");
      try {
        const result = await request(form.dataset.url, { method: "POST", body: { inputs: data } });
        out.innerHTML = renderResult(result, strings);
        out.dataset.state = "ok";
      } catch (err) {
        out.innerHTML = '<p class="field-error">' + escapeHtml(err.message) + "</p>";
        out.dataset.state = "error";
      }
    });
  }
  window.addEventListener("beforeunload", (event) => {
    if (status && status.dataset.state === "dirty") {
      event.preventDefault();
      event.returnValue = "";
    }
  });
  setStatus(status, t(strings, "Saved in the draft."), "saved");
  root.dataset.ready = "true";
}

function renderResult(result, strings) {
  const rows = (result.rules || [])
    .map((r) => "<li>" + escapeHtml(t(strings, "Row {row}", { row: r.row_number })) + (r.description ? ": " + escapeHtml(r.description) : "") + "</li>")
    .join("");
  const outputs = Object.keys(result.outputs || {})
    .map((k) => "<tr><th scope=\"row\">" + escapeHtml(k) + "</th><td><code>" + escapeHtml(JSON.stringify(result.outputs[k])) + "</code></td></tr>")
    .join("");
  if (!rows) return "<p>" + escapeHtml(t(strings, "No row matches these inputs.")) + "</p>";
  return (
    "<p>" + escapeHtml(t(strings, "Rows that matched:")) + "</p><ul class=\"dmn-rows\">" + rows + "</ul>" +
    "<table class=\"table table--compact\"><tbody>" + outputs + "</tbody></table>"
  );
}
