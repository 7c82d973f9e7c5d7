// The properties our engine reads (docs/DIAGRAMS.md), in the properties panel beside bpmn-js's own
// groups: lanes and roles, the people, form, due time and priority of user tasks, decision tables of
// business rule tasks, service operators (a list from the engine's registry) with their parameters,
// scripts, conditions and default flows, message payloads and variables.
import {
  CheckboxEntry,
  Group,
  SelectEntry,
  TextAreaEntry,
  TextFieldEntry,
  isCheckboxEntryEdited,
  isSelectEntryEdited,
  isTextAreaEntryEdited,
  isTextFieldEntryEdited,
} from "@bpmn-io/properties-panel";
import { useService } from "bpmn-js-properties-panel";
import { getBusinessObject, is } from "bpmn-js/lib/util/ModelUtil";

const FORM = "formJsonSchemaFilename";
const KNOWN = [FORM, "candidateGroup", "assignee", "dueAt", "priority"];
const LANE_ROLE = /\(([\w.-]+)\)\s*$/;

// --- reading and writing spiffworkflow extension elements -------------------------------------

function extension(bo, type) {
  const ext = bo.get("extensionElements");
  return ext ? (ext.get("values") || []).find((v) => is(v, type)) : undefined;
}

function ensureExtensions(element, bo, bpmnFactory, commands) {
  let ext = bo.get("extensionElements");
  if (!ext) {
    ext = bpmnFactory.create("bpmn:ExtensionElements", { values: [] });
    ext.$parent = bo;
    commands.push({
      cmd: "element.updateModdleProperties",
      context: { element, moddleElement: bo, properties: { extensionElements: ext } },
    });
  }
  return ext;
}

function ensureExtension(element, bo, type, bpmnFactory, commands, attrs) {
  const ext = ensureExtensions(element, bo, bpmnFactory, commands);
  let found = (ext.get("values") || []).find((v) => is(v, type));
  if (!found) {
    found = bpmnFactory.create(type, attrs || {});
    found.$parent = ext;
    commands.push({
      cmd: "element.updateModdleProperties",
      context: { element, moddleElement: ext, properties: { values: [...(ext.get("values") || []), found] } },
    });
  }
  return found;
}

function removeExtension(element, bo, item, commands) {
  const ext = bo.get("extensionElements");
  if (!ext || !item) return;
  commands.push({
    cmd: "element.updateModdleProperties",
    context: {
      element,
      moddleElement: ext,
      properties: { values: (ext.get("values") || []).filter((v) => v !== item) },
    },
  });
}

function run(commandStack, commands) {
  if (commands.length) commandStack.execute("properties-panel.multi-command-executor", commands);
}

export function properties(bo) {
  const props = extension(bo, "spiffworkflow:Properties");
  const out = {};
  ((props && props.get("properties")) || []).forEach((p) => {
    out[p.get("name")] = p.get("value");
  });
  return out;
}

function setProperty(element, bo, name, value, bpmnFactory, commandStack) {
  const commands = [];
  const container = ensureExtension(element, bo, "spiffworkflow:Properties", bpmnFactory, commands);
  const list = container.get("properties") || [];
  const existing = list.find((p) => p.get("name") === name);
  const text = (value || "").trim();
  if (existing && text) {
    commands.push({
      cmd: "element.updateModdleProperties",
      context: { element, moddleElement: existing, properties: { value: text } },
    });
  } else if (existing && !text) {
    commands.push({
      cmd: "element.updateModdleProperties",
      context: { element, moddleElement: container, properties: { properties: list.filter((p) => p !== existing) } },
    });
  } else if (text) {
    const created = bpmnFactory.create("spiffworkflow:Property", { name, value: text });
    created.$parent = container;
    commands.push({
      cmd: "element.updateModdleProperties",
      context: { element, moddleElement: container, properties: { properties: [...list, created] } },
    });
  }
  run(commandStack, commands);
}

function setOtherProperties(element, bo, text, bpmnFactory, commandStack) {
  const wanted = {};
  (text || "").split("\n").forEach((line) => {
    const at = line.indexOf("=");
    if (at > 0) {
      const name = line.slice(0, at).trim();
      if (name && !KNOWN.includes(name)) wanted[name] = line.slice(at + 1).trim();
    }
  });
  const commands = [];
  const container = ensureExtension(element, bo, "spiffworkflow:Properties", bpmnFactory, commands);
  const kept = (container.get("properties") || []).filter((p) => KNOWN.includes(p.get("name")));
  const others = Object.keys(wanted).map((name) => {
    const p = bpmnFactory.create("spiffworkflow:Property", { name, value: wanted[name] });
    p.$parent = container;
    return p;
  });
  commands.push({
    cmd: "element.updateModdleProperties",
    context: { element, moddleElement: container, properties: { properties: [...kept, ...others] } },
  });
  run(commandStack, commands);
}

export function roleOfLane(name) {
  if (!name) return "";
  const match = LANE_ROLE.exec(name);
  return (match ? match[1] : name).trim().toLowerCase();
}

function laneOf(element, elementRegistry) {
  const bo = getBusinessObject(element);
  const lanes = elementRegistry.filter((e) => is(e, "bpmn:Lane"));
  const lane = lanes.find((l) => (getBusinessObject(l).get("flowNodeRef") || []).includes(bo));
  return lane ? getBusinessObject(lane).get("name") || lane.id : "";
}

// --- entries --------------------------------------------------------------------------------

function PropertyField(props) {
  const { element, id, name, label, description, area } = props;
  const commandStack = useService("commandStack");
  const bpmnFactory = useService("bpmnFactory");
  const translate = useService("translate");
  const debounce = useService("debounceInput");
  const bo = getBusinessObject(element);
  const entry = area ? TextAreaEntry : TextFieldEntry;
  return entry({
    element,
    id,
    label: translate(label),
    description: description ? translate(description) : undefined,
    getValue: () => properties(bo)[name] || "",
    setValue: (value) => setProperty(element, bo, name, value, bpmnFactory, commandStack),
    debounce,
  });
}

function FormField(props) {
  const { element, id, catalog } = props;
  const commandStack = useService("commandStack");
  const bpmnFactory = useService("bpmnFactory");
  const translate = useService("translate");
  const bo = getBusinessObject(element);
  return SelectEntry({
    element,
    id,
    label: translate("Form"),
    getValue: () => properties(bo)[FORM] || "",
    setValue: (value) => setProperty(element, bo, FORM, value, bpmnFactory, commandStack),
    getOptions: () => {
      const current = properties(bo)[FORM];
      const forms = (catalog.forms || []).slice();
      if (current && !forms.includes(current)) forms.push(current);
      return [{ value: "", label: translate("(no form)") }].concat(forms.map((f) => ({ value: f, label: f })));
    },
  });
}

function LaneInfo(props) {
  const { element, id } = props;
  const elementRegistry = useService("elementRegistry");
  const translate = useService("translate");
  const debounce = useService("debounceInput");
  const lane = laneOf(element, elementRegistry);
  return TextFieldEntry({
    element,
    id,
    label: translate("Lane and role"),
    description: translate("Move the task into another lane to change who is offered it."),
    getValue: () => (lane ? lane + " → " + roleOfLane(lane) : translate("(in no lane)")),
    setValue: () => {},
    debounce,
    disabled: true,
  });
}

function OtherProperties(props) {
  const { element, id } = props;
  const commandStack = useService("commandStack");
  const bpmnFactory = useService("bpmnFactory");
  const translate = useService("translate");
  const debounce = useService("debounceInput");
  const bo = getBusinessObject(element);
  return TextAreaEntry({
    element,
    id,
    label: translate("Other properties"),
    description: translate("One per line: name = value."),
    getValue: () => {
      const all = properties(bo);
      return Object.keys(all)
        .filter((k) => !KNOWN.includes(k))
        .map((k) => k + " = " + all[k])
        .join("\n");
    },
    setValue: (value) => setOtherProperties(element, bo, value, bpmnFactory, commandStack),
    debounce,
  });
}

function LaneRole(props) {
  const { element, id } = props;
  const modeling = useService("modeling");
  const translate = useService("translate");
  const debounce = useService("debounceInput");
  const bo = getBusinessObject(element);
  return TextFieldEntry({
    element,
    id,
    label: translate("Role"),
    description: translate("User tasks in this lane are offered to users with this role."),
    getValue: () => roleOfLane(bo.get("name")),
    setValue: (value) => {
      const name = bo.get("name") || "";
      const base = name.replace(LANE_ROLE, "").trim();
      const role = (value || "").trim();
      modeling.updateProperties(element, { name: role ? (base ? base + " (" + role + ")" : role) : base });
    },
    debounce,
  });
}

function DecisionField(props) {
  const { element, id, catalog } = props;
  const commandStack = useService("commandStack");
  const bpmnFactory = useService("bpmnFactory");
  const translate = useService("translate");
  const bo = getBusinessObject(element);
  const current = () => {
    const item = extension(bo, "spiffworkflow:CalledDecisionId");
    return item ? (item.get("value") || "").trim() : "";
  };
  return SelectEntry({
    element,
    id,
    label: translate("Decision table"),
    getValue: current,
    setValue: (value) => {
      const commands = [];
      if (!value) {
        removeExtension(element, bo, extension(bo, "spiffworkflow:CalledDecisionId"), commands);
      } else {
        const item = ensureExtension(element, bo, "spiffworkflow:CalledDecisionId", bpmnFactory, commands);
        commands.push({
          cmd: "element.updateModdleProperties",
          context: { element, moddleElement: item, properties: { value } },
        });
      }
      run(commandStack, commands);
    },
    getOptions: () => {
      const ids = (catalog.decisions || []).map((d) => d.id);
      const now = current();
      const options = [{ value: "", label: translate("(choose a decision table)") }];
      (catalog.decisions || []).forEach((d) => options.push({ value: d.id, label: d.name ? d.name + " (" + d.id + ")" : d.id }));
      if (now && !ids.includes(now)) options.push({ value: now, label: now + " — " + translate("not in this bundle") });
      return options;
    },
  });
}

function operatorOf(bo) {
  return extension(bo, "spiffworkflow:ServiceTaskOperator");
}

function parametersOf(operator) {
  const list = operator && operator.get("parameterList");
  return list ? list.get("parameters") || [] : [];
}

function OperatorField(props) {
  const { element, id, catalog } = props;
  const commandStack = useService("commandStack");
  const bpmnFactory = useService("bpmnFactory");
  const translate = useService("translate");
  const bo = getBusinessObject(element);
  return SelectEntry({
    element,
    id,
    label: translate("Service operator"),
    getValue: () => {
      const op = operatorOf(bo);
      return op ? op.get("id") || "" : "";
    },
    setValue: (value) => {
      const commands = [];
      if (!value) {
        removeExtension(element, bo, operatorOf(bo), commands);
      } else {
        const op = ensureExtension(element, bo, "spiffworkflow:ServiceTaskOperator", bpmnFactory, commands, {});
        commands.push({
          cmd: "element.updateModdleProperties",
          context: { element, moddleElement: op, properties: { id: value } },
        });
      }
      run(commandStack, commands);
    },
    getOptions: () => {
      const op = operatorOf(bo);
      const now = op ? op.get("id") : "";
      const names = (catalog.operators || []).map((o) => o.name);
      const options = [{ value: "", label: translate("(choose an operator)") }];
      (catalog.operators || []).forEach((o) => options.push({ value: o.name, label: o.description ? o.name + " — " + o.description : o.name }));
      if (now && !names.includes(now)) options.push({ value: now, label: now + " — " + translate("unknown operator") });
      return options;
    },
  });
}

function ParameterField(props) {
  const { element, id, name } = props;
  const commandStack = useService("commandStack");
  const bpmnFactory = useService("bpmnFactory");
  const translate = useService("translate");
  const debounce = useService("debounceInput");
  const bo = getBusinessObject(element);
  return TextFieldEntry({
    element,
    id,
    label: translate("Parameter {name}", { name }),
    description: translate("A Python expression, e.g. 'text' in quotes or a data field."),
    getValue: () => {
      const p = parametersOf(operatorOf(bo)).find((x) => x.get("id") === name);
      return p ? p.get("value") || "" : "";
    },
    setValue: (value) => {
      const commands = [];
      const op = ensureExtension(element, bo, "spiffworkflow:ServiceTaskOperator", bpmnFactory, commands, {});
      let list = op.get("parameterList");
      if (!list) {
        list = bpmnFactory.create("spiffworkflow:Parameters", { parameters: [] });
        list.$parent = op;
        commands.push({
          cmd: "element.updateModdleProperties",
          context: { element, moddleElement: op, properties: { parameterList: list } },
        });
      }
      const params = list.get("parameters") || [];
      const existing = params.find((x) => x.get("id") === name);
      const text = (value || "").trim();
      let next;
      if (existing && text) {
        commands.push({
          cmd: "element.updateModdleProperties",
          context: { element, moddleElement: existing, properties: { value: text } },
        });
        next = null;
      } else if (existing) {
        next = params.filter((x) => x !== existing);
      } else if (text) {
        const created = bpmnFactory.create("spiffworkflow:Parameter", { id: name, type: "str", value: text });
        created.$parent = list;
        next = [...params, created];
      }
      if (next) {
        commands.push({
          cmd: "element.updateModdleProperties",
          context: { element, moddleElement: list, properties: { parameters: next } },
        });
      }
      run(commandStack, commands);
    },
    debounce,
  });
}

function ScriptField(props) {
  const { element, id } = props;
  const modeling = useService("modeling");
  const translate = useService("translate");
  const debounce = useService("debounceInput");
  const bo = getBusinessObject(element);
  return TextAreaEntry({
    element,
    id,
    label: translate("Script"),
    description: translate("Python in the sandbox; names it sets become task data."),
    getValue: () => bo.get("script") || "",
    setValue: (value) => modeling.updateProperties(element, { script: value || undefined }),
    debounce,
    monospace: true,
  });
}

function ConditionField(props) {
  const { element, id } = props;
  const modeling = useService("modeling");
  const bpmnFactory = useService("bpmnFactory");
  const translate = useService("translate");
  const debounce = useService("debounceInput");
  const bo = getBusinessObject(element);
  return TextAreaEntry({
    element,
    id,
    label: translate("Condition"),
    description: translate("A Python expression over the task data, e.g. approved == True."),
    getValue: () => {
      const c = bo.get("conditionExpression");
      return c ? c.get("body") || "" : "";
    },
    setValue: (value) => {
      const text = (value || "").trim();
      const expression = text ? bpmnFactory.create("bpmn:FormalExpression", { body: text }) : undefined;
      modeling.updateProperties(element, { conditionExpression: expression });
    },
    debounce,
  });
}

function DefaultFlowField(props) {
  const { element, id } = props;
  const modeling = useService("modeling");
  const translate = useService("translate");
  const bo = getBusinessObject(element);
  const source = element.source;
  return CheckboxEntry({
    element,
    id,
    label: translate("Default flow (taken when no condition holds)"),
    getValue: () => !!(source && getBusinessObject(source).get("default") === bo),
    setValue: (value) => modeling.updateProperties(source, { default: value ? bo : undefined }),
  });
}

function MessageExtensionField(props) {
  const { element, id, type, label, description } = props;
  const commandStack = useService("commandStack");
  const bpmnFactory = useService("bpmnFactory");
  const translate = useService("translate");
  const debounce = useService("debounceInput");
  const definition = (getBusinessObject(element).get("eventDefinitions") || []).find((d) =>
    is(d, "bpmn:MessageEventDefinition"),
  );
  return TextFieldEntry({
    element,
    id,
    label: translate(label),
    description: translate(description),
    getValue: () => {
      const item = extension(definition, type);
      return item ? item.get("value") || "" : "";
    },
    setValue: (value) => {
      const commands = [];
      const text = (value || "").trim();
      if (!text) {
        removeExtension(element, definition, extension(definition, type), commands);
      } else {
        const item = ensureExtension(element, definition, type, bpmnFactory, commands);
        commands.push({
          cmd: "element.updateModdleProperties",
          context: { element, moddleElement: item, properties: { value: text } },
        });
      }
      run(commandStack, commands);
    },
    debounce,
  });
}

// --- groups -----------------------------------------------------------------------------------

function userTaskGroup(element, translate, catalog) {
  const entries = [
    { id: "ombudsflow-lane", component: LaneInfo, isEdited: () => false },
    { id: "ombudsflow-form", component: FormField, isEdited: isSelectEntryEdited, catalog },
  ];
  [
    ["candidateGroup", "Candidate group", "An expression, e.g. \"authority:\" + str(addressee_id); empty: the lane's role."],
    ["assignee", "Assignee", "An expression giving one person, e.g. \"user:7\"."],
    ["dueAt", "Due", "An expression giving the due time, e.g. add_days(now(), 10); empty: the nearest deadline timer."],
    ["priority", "Priority", "A whole number or an expression; higher is more urgent."],
  ].forEach(([name, label, description]) =>
    entries.push({
      id: "ombudsflow-" + name,
      component: PropertyField,
      isEdited: isTextFieldEntryEdited,
      name,
      label,
      description,
    }),
  );
  entries.push({ id: "ombudsflow-other", component: OtherProperties, isEdited: isTextAreaEntryEdited });
  return { id: "ombudsflow-task", label: translate("People, form and due time"), component: Group, entries };
}

function serviceGroup(element, translate, catalog) {
  const bo = getBusinessObject(element);
  const op = operatorOf(bo);
  const name = op ? op.get("id") : "";
  const known = (catalog.operators || []).find((o) => o.name === name);
  const names = new Set([...((known && known.parameters) || []), ...parametersOf(op).map((p) => p.get("id"))]);
  const entries = [{ id: "ombudsflow-operator", component: OperatorField, isEdited: isSelectEntryEdited, catalog }];
  names.forEach((param) =>
    entries.push({
      id: "ombudsflow-param-" + param,
      component: ParameterField,
      isEdited: isTextFieldEntryEdited,
      name: param,
    }),
  );
  return { id: "ombudsflow-service", label: translate("Service operator"), component: Group, entries };
}

function hasMessage(element) {
  return (getBusinessObject(element).get("eventDefinitions") || []).some((d) => is(d, "bpmn:MessageEventDefinition"));
}

export default function OmbudsflowPropertiesProvider(propertiesPanel, translate, config) {
  const catalog = config || {};

  this.getGroups = function (element) {
    return function (groups) {
      if (is(element, "bpmn:UserTask") || is(element, "bpmn:ManualTask")) {
        groups.push(userTaskGroup(element, translate, catalog));
      }
      if (is(element, "bpmn:Lane")) {
        groups.push({
          id: "ombudsflow-lane-role",
          label: translate("Role"),
          component: Group,
          entries: [{ id: "ombudsflow-role", component: LaneRole, isEdited: isTextFieldEntryEdited }],
        });
      }
      if (is(element, "bpmn:BusinessRuleTask")) {
        groups.push({
          id: "ombudsflow-decision",
          label: translate("Decision table"),
          component: Group,
          entries: [
            { id: "ombudsflow-called-decision", component: DecisionField, isEdited: isSelectEntryEdited, catalog },
          ],
        });
      }
      if (is(element, "bpmn:ServiceTask")) {
        groups.push(serviceGroup(element, translate, catalog));
      }
      if (is(element, "bpmn:ScriptTask")) {
        groups.push({
          id: "ombudsflow-script",
          label: translate("Script"),
          component: Group,
          entries: [{ id: "ombudsflow-script-text", component: ScriptField, isEdited: isTextAreaEntryEdited }],
        });
      }
      if (is(element, "bpmn:SequenceFlow") && element.source) {
        const entries = [{ id: "ombudsflow-condition", component: ConditionField, isEdited: isTextAreaEntryEdited }];
        if (is(element.source, "bpmn:ExclusiveGateway") || is(element.source, "bpmn:InclusiveGateway")) {
          entries.push({ id: "ombudsflow-default-flow", component: DefaultFlowField, isEdited: isCheckboxEntryEdited });
        }
        groups.push({ id: "ombudsflow-flow", label: translate("Condition"), component: Group, entries });
      }
      if (hasMessage(element)) {
        groups.push({
          id: "ombudsflow-message",
          label: translate("Message data"),
          component: Group,
          entries: [
            {
              id: "ombudsflow-message-payload",
              component: MessageExtensionField,
              isEdited: isTextFieldEntryEdited,
              type: "spiffworkflow:MessagePayload",
              label: "Payload",
              description: "Sending: an expression whose value the message carries.",
            },
            {
              id: "ombudsflow-message-variable",
              component: MessageExtensionField,
              isEdited: isTextFieldEntryEdited,
              type: "spiffworkflow:MessageVariable",
              label: "Variable",
              description: "Receiving: the data field the message's payload goes to.",
            },
          ],
        });
      }
      return groups;
    };
  };
  propertiesPanel.registerProvider(400, this);
}

OmbudsflowPropertiesProvider.$inject = ["propertiesPanel", "translate", "config.ombudsflow"];
