// Shared by the designer's pages: requests with the CSRF token, strings in the user's language,
// a saving status, and a debounced call.

export function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}

export async function request(url, { method = "GET", body, type = "application/json" } = {}) {
  const headers = { "X-CSRFToken": csrfToken(), Accept: "application/json" };
  let payload = body;
  if (body !== undefined && type === "application/json" && typeof body !== "string") {
    payload = JSON.stringify(body);
  }
  if (body !== undefined) headers["Content-Type"] = type;
  const response = await fetch(url, { method, headers, body: payload, credentials: "same-origin" });
  const text = await response.text();
  let data = text;
  if ((response.headers.get("Content-Type") || "").includes("json")) {
    try {
      data = JSON.parse(text);
    } catch (err) {
      data = text;
    }
  }
  if (!response.ok) {
    const error = new Error((data && data.error && data.error.message) || "HTTP " + response.status);
    error.data = data;
    error.status = response.status;
    throw error;
  }
  return data;
}

export function debounce(fn, ms) {
  let timer = null;
  const wrapped = (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
  wrapped.flush = (...args) => {
    clearTimeout(timer);
    return fn(...args);
  };
  return wrapped;
}

// The strings of the page (in the user's language) come from the server through a JSON script
// element's data attribute, never from an inline script.
export function loadStrings(el) {
  try {
    return JSON.parse(el.dataset.strings || "{}");
  } catch (err) {
    return {};
  }
}

export function t(strings, key, values) {
  let text = strings[key] || key;
  if (values) {
    Object.keys(values).forEach((name) => {
      text = text.split("{" + name + "}").join(String(values[name]));
    });
  }
  return text;
}

// diagram-js translate service: bpmn-js, the properties panel and the lint overlays say their
// words through it; the server's catalogue gives them in Ukrainian.
export function translateModule(dictionary) {
  function translate(template, replacements) {
    let text = dictionary[template] || template;
    replacements = replacements || {};
    return text.replace(/{([^}]+)}/g, (match, key) => (key in replacements ? replacements[key] : match));
  }
  return { translate: ["value", translate] };
}

export function setStatus(el, text, state) {
  if (!el) return;
  el.textContent = text;
  el.dataset.state = state || "";
}

export function escapeHtml(text) {
  return String(text == null ? "" : text).replace(/[&<>"']/g, (c) => ({
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    '"': "&quot;",
    "'": "&#39;",
  })[c]);
}
