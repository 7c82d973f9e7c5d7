// The BPMN modeler of the process designer: bpmn-js with a properties panel for what our engine
// reads, bpmnlint's advice, automatic layout for diagrams without one, autosave into the draft and
// the engine's checks shown at the element they concern.
import BpmnModeler from "bpmn-js/lib/Modeler";
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule } from "bpmn-js-properties-panel";
import lintModule from "bpmn-js-bpmnlint";
import { layoutProcess } from "bpmn-auto-layout";

import "bpmn-js/dist/assets/diagram-js.css";
import "bpmn-js/dist/assets/bpmn-js.css";
import "bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css";
import "@bpmn-io/properties-panel/dist/assets/properties-panel.css";
import "bpmn-js-bpmnlint/dist/assets/css/bpmn-js-bpmnlint.css";

import spiffworkflow from "../spiffworkflow.json";
import { debounce, loadStrings, request, setStatus, t, translateModule } from "./common";
import lintConfig from "./lint-config";
import OmbudsflowPropertiesProvider from "./properties";
import { focusElement, showFindings } from "./findings";

const root = document.getElementById("bpmn-modeler");
if (root) start(root);

function hasLayout(xml) {
  return /<(\w+:)?BPMNShape[\s>]/.test(xml);
}

async function start(root) {
  const strings = loadStrings(root);
  const status = document.getElementById("designer-status");
  const findingsList = document.getElementById("designer-findings");
  const dictionary = JSON.parse(root.dataset.dictionary || "{}");
  let catalog = {};
  try {
    catalog = await request(root.dataset.catalogUrl);
  } catch (err) {
    catalog = {};
  }
  const modeler = new BpmnModeler({
    container: root.querySelector(".designer-canvas"),
    propertiesPanel: {
      parent: document.getElementById("properties-panel"),
      // Our groups open: they hold what the engine reads.
      layout: {
        groups: Object.fromEntries(
          [
            "general",
            "timer",
            "message",
            "ombudsflow-task",
            "ombudsflow-lane-role",
            "ombudsflow-decision",
            "ombudsflow-service",
            "ombudsflow-script",
            "ombudsflow-flow",
            "ombudsflow-message",
          ].map((id) => [id, { open: true }]),
        ),
      },
    },
    additionalModules: [
      BpmnPropertiesPanelModule,
      BpmnPropertiesProviderModule,
      { __init__: ["ombudsflowPropertiesProvider"], ombudsflowPropertiesProvider: ["type", OmbudsflowPropertiesProvider] },
      lintModule,
      translateModule(dictionary),
    ],
    moddleExtensions: { spiffworkflow },
    linting: { bpmnlint: lintConfig, active: true },
    ombudsflow: catalog,
  });
  window.ombudsflowModeler = modeler; // for people debugging in the console, and for the tests

  let xml;
  try {
    xml = await request(root.dataset.fileUrl, { type: "text/plain" });
  } catch (err) {
    root.dataset.ready = "error";
    setStatus(status, t(strings, "The file could not be loaded."), "error");
    return;
  }
  let laidOut = false;
  if (!hasLayout(xml)) {
    try {
      xml = await layoutProcess(xml);
      laidOut = true;
    } catch (err) {
      // bpmn-js will say what it cannot show; the checks still speak about the elements.
    }
  }
  try {
    const result = await modeler.importXML(xml);
    if (result.warnings && result.warnings.length) {
      root.dataset.importWarnings = String(result.warnings.length);
    }
  } catch (err) {
    root.dataset.ready = "error";
    const message = document.getElementById("designer-import-error");
    if (message) {
      message.hidden = false;
      message.querySelector("[data-detail]").textContent = err.message;
    }
    setStatus(status, t(strings, "The diagram could not be opened."), "error");
    await check(); // the engine's checks still say what is wrong, without a diagram
    return;
  }
  const canvas = modeler.get("canvas");
  canvas.zoom("fit-viewport");
  if (canvas.zoom() < 0.6) {
    // A large process: start where it starts, at a size people can read; "Whole diagram" fits it.
    const start = modeler.get("elementRegistry").filter((e) => e.type === "bpmn:StartEvent")[0];
    if (start) focusElement(modeler, start.id) && modeler.get("selection").select([]);
  }
  const fromHash = () => {
    const id = decodeURIComponent((window.location.hash || "").slice(1));
    if (id) focusElement(modeler, id);
  };
  window.addEventListener("hashchange", fromHash);

  async function check() {
    try {
      const report = await request(root.dataset.checkUrl);
      showFindings(report, { modeler: root.dataset.ready === "error" ? null : modeler, list: findingsList, strings });
      root.dataset.checked = String(Date.now());
      return report;
    } catch (err) {
      setStatus(status, t(strings, "The checks could not run: {error}", { error: err.message }), "error");
      return null;
    }
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
      throw err;
    }
    return check();
  }
  const scheduleSave = debounce(() => {
    saving = saving.then(save, save);
  }, 700);
  modeler.on("commandStack.changed", () => {
    setStatus(status, t(strings, "Changed…"), "dirty");
    scheduleSave();
  });

  document.querySelectorAll("[data-designer-action]").forEach((button) => {
    button.hidden = false;
    button.addEventListener("click", async () => {
      const action = button.dataset.designerAction;
      if (action === "check") {
        scheduleSave.flush();
        await saving;
        await check();
      } else if (action === "fit") {
        modeler.get("canvas").zoom("fit-viewport", "auto");
      } else if (action === "lint") {
        modeler.get("linting").toggle();
      }
    });
  });
  window.addEventListener("beforeunload", (event) => {
    if (status && status.dataset.state === "dirty") {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  if (laidOut) {
    // A diagram without a layout was laid out here: keep that layout in the draft.
    setStatus(status, t(strings, "Laid out automatically (the file had no diagram layout)."), "dirty");
    root.dataset.laidOut = "true";
    await save();
  } else {
    await check();
    setStatus(status, t(strings, "Saved in the draft."), "saved");
  }
  fromHash();
  root.dataset.ready = "true";
}
