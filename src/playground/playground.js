// The ContentKit playground's client: the part of GitBook's editor that keeps local
// state, resolves bindings, stacks modals and sends `ui_render` requests.
//
// Every render goes through the integration runtime's real endpoint, `POST /v1`, as
// multipart form data (`event`, `environment`), exactly as GitBook calls an
// integration. The HTML of each output comes from the engine's HTML serializer
// (`POST /playground/html`), so the preview is what `contentkit render --format html`
// writes. No handler is ever built from a string of the page: events are delegated.
"use strict";

const $ = (sel) => document.querySelector(sel);

const ENVIRONMENT = {
  apiEndpoint: "http://127.0.0.1/api",
  apiTokens: { integration: "playground" },
  integration: { name: "playground" },
  signingSecrets: { integration: "playground" },
  secrets: {},
};

const client = {
  stack: [], // [{ componentId, output, local }]
  version: -1,
  files: [],
  log(kind, text) {
    const li = document.createElement("li");
    li.className = "ck-log-" + kind;
    li.textContent = kind + ": " + text;
    $("#ck-events").prepend(li);
  },
};

function context() {
  return { type: "document", theme: $("#ck-theme").value, spaceId: "playground", editable: true };
}

async function postRender(componentId, props, state, action) {
  const event = {
    eventId: "evt_" + Math.random().toString(36).slice(2),
    type: "ui_render",
    installationId: "playground",
    componentId,
    props,
    context: context(),
  };
  if (state !== undefined) event.state = state;
  if (action !== undefined) event.action = action;
  const form = new FormData();
  form.append("event", JSON.stringify(event));
  form.append("environment", JSON.stringify(ENVIRONMENT));
  const res = await fetch("/v1", { method: "POST", body: form });
  const body = await res.json();
  if (!res.ok) throw new Error(body.error || "HTTP " + res.status);
  return body;
}

// Replaces every {"$state": key} with the local value; unset keys are left out.
function resolve(value, local) {
  if (Array.isArray(value)) return value.map((v) => resolve(v, local));
  if (value && typeof value === "object") {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === "$state" && typeof value.$state === "string") {
      return local[value.$state];
    }
    const out = {};
    for (const k of keys) {
      const v = resolve(value[k], local);
      if (v !== undefined) out[k] = v;
    }
    return out;
  }
  return value;
}

function showError(message) {
  $("#ck-runtime-error").textContent = message || "";
}

async function openRoot() {
  showError("");
  $("#ck-complete").textContent = "";
  client.stack = [];
  let props;
  try {
    props = JSON.parse($("#ck-props").value || "{}");
  } catch (e) {
    showError("props: " + e.message);
    return;
  }
  try {
    const output = await postRender($("#ck-component").value, props);
    await accept(output, null);
  } catch (e) {
    showError(e.message);
  }
}

// Takes an output for the top view (or a new view when `push`), or ends the flow.
async function accept(output, mode) {
  if (output.type === "complete") {
    return handBack(output.returnValue, false);
  }
  const view = { componentId: mode && mode.componentId, output, local: null };
  if (mode && mode.push) {
    client.stack.push(view);
  } else if (client.stack.length === 0) {
    view.componentId = $("#ck-component").value;
    client.stack.push(view);
  } else {
    const top = client.stack[client.stack.length - 1];
    view.componentId = top.componentId;
    client.stack[client.stack.length - 1] = view;
  }
  await paint();
}

async function handBack(returnValue, closed) {
  client.stack.pop();
  if (client.stack.length === 0) {
    $("#ck-complete").textContent = JSON.stringify(returnValue === undefined ? null : returnValue);
    client.log("complete", JSON.stringify(returnValue === undefined ? null : returnValue));
    await paint();
    return;
  }
  const rv = returnValue || {};
  client.log(closed ? "modal-closed" : "complete", JSON.stringify(rv));
  await send({ action: "@ui.modal.close", returnValue: rv });
}

async function send(action) {
  const top = client.stack[client.stack.length - 1];
  const state = Object.assign({}, top.output.state, top.local);
  const output = await postRender(top.componentId, top.output.props, state, action);
  await accept(output, null);
}

async function dispatch(rawAction) {
  const top = client.stack[client.stack.length - 1];
  if (!top) return;
  const action = resolve(rawAction, top.local || {});
  showError("");
  try {
    switch (action.action) {
      case "@ui.url.open":
        client.log("url", action.url);
        $("#ck-urls").textContent = action.url;
        return;
      case "@ui.modal.open": {
        client.log("modal-open", action.componentId);
        const output = await postRender(action.componentId, action.props || {});
        if (output.type === "complete") return handBack(output.returnValue, false);
        return accept(output, { push: true, componentId: action.componentId });
      }
      case "@ui.modal.close":
        // A modal hands its value to the view underneath; a root modal, to whoever
        // opened it, which ends the flow.
        if (client.stack.length > 1 || top.output.element.type === "modal") {
          return handBack(action.returnValue, true);
        }
        return send(action);
      default:
        return send(action);
    }
  } catch (e) {
    showError(e.message);
  }
}

async function htmlFor(view) {
  const res = await fetch("/playground/html", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ element: view.output.element, state: view.local, theme: $("#ck-theme").value }),
  });
  const body = await res.json();
  if (!res.ok) throw new Error(body.error || "HTTP " + res.status);
  view.local = body.state;
  return body.html;
}

async function paint() {
  const preview = $("#ck-preview");
  const layer = $("#ck-modal-layer");
  if (client.stack.length === 0) {
    preview.innerHTML = "";
    layer.innerHTML = "";
    layer.hidden = true;
    $("#ck-json").textContent = "";
    return;
  }
  try {
    preview.innerHTML = await htmlFor(client.stack[0]);
    if (client.stack.length > 1) {
      layer.innerHTML = await htmlFor(client.stack[client.stack.length - 1]);
      layer.hidden = false;
    } else {
      layer.innerHTML = "";
      layer.hidden = true;
    }
  } catch (e) {
    showError(e.message);
  }
  const top = client.stack[client.stack.length - 1];
  $("#ck-json").textContent = JSON.stringify(top.output, null, 2);
  $("#ck-state").textContent = JSON.stringify(top.local, null, 2);
  postWebframeData();
  document.body.dataset.renders = String(Number(document.body.dataset.renders || 0) + 1);
}

// Sends each webframe its data (bindings resolved), as GitBook does with postMessage.
// The serializer puts the data on the frame's wrapper, `[data-ck-webframe-data]`.
function postWebframeData() {
  const top = client.stack[client.stack.length - 1];
  document.querySelectorAll("#ck-stage [data-ck-webframe-data]").forEach((wrapper) => {
    const frame = wrapper.querySelector("iframe");
    if (frame && frame.contentWindow) {
      try {
        const data = JSON.parse(wrapper.getAttribute("data-ck-webframe-data"));
        frame.contentWindow.postMessage({ action: "@webframe.data", data }, "*");
      } catch (_) {}
    }
  });
  if (top) $("#ck-state").textContent = JSON.stringify(top.local, null, 2);
}

// The view an element belongs to: the modal layer is the top view, the rest the base.
function viewOf(el) {
  if (el.closest("#ck-modal-layer")) return client.stack[client.stack.length - 1];
  return client.stack[0];
}

function writeInput(el) {
  const key = el.dataset.ckState;
  const view = viewOf(el);
  if (!key || !view) return;
  view.local = view.local || {};
  if (el.type === "checkbox" && el.dataset.ckValue !== undefined && el.getAttribute("role") !== "switch") {
    const value = JSON.parse(el.dataset.ckValue);
    const list = Array.isArray(view.local[key]) ? view.local[key].slice() : [];
    const i = list.findIndex((v) => JSON.stringify(v) === JSON.stringify(value));
    if (el.checked && i < 0) list.push(value);
    if (!el.checked && i >= 0) list.splice(i, 1);
    view.local[key] = list;
  } else if (el.type === "checkbox") {
    view.local[key] = el.checked;
  } else if (el.type === "radio") {
    if (el.checked) view.local[key] = JSON.parse(el.dataset.ckValue);
  } else if (el.tagName === "SELECT" && el.multiple) {
    view.local[key] = Array.from(el.selectedOptions).map((o) => o.value);
  } else {
    view.local[key] = el.value;
  }
  refreshBindings(view);
}

// Re-renders only the bound parts that do not take input (webframes, read-only code),
// so the field being typed into keeps its focus.
async function refreshBindings(view) {
  const hasBindings = JSON.stringify(view.output.element).includes('"$state"');
  if (!hasBindings) {
    postWebframeData();
    return;
  }
  const html = await htmlFor(view);
  const fresh = document.createElement("div");
  fresh.innerHTML = html;
  const container = view === client.stack[0] ? $("#ck-preview") : $("#ck-modal-layer");
  fresh.querySelectorAll("[data-ck-webframe-data][data-ck-path]").forEach((wrapper) => {
    const old = container.querySelector('[data-ck-path="' + CSS.escape(wrapper.dataset.ckPath) + '"]');
    if (old) old.setAttribute("data-ck-webframe-data", wrapper.getAttribute("data-ck-webframe-data"));
  });
  postWebframeData();
}

function askConfirm(el) {
  return new Promise((resolveConfirm) => {
    const dialog = $("#ck-confirm");
    $("#ck-confirm-title").textContent = el.dataset.ckConfirmTitle || "";
    $("#ck-confirm-text").textContent = el.dataset.ckConfirmText || "";
    $("#ck-confirm-ok").textContent = el.dataset.ckConfirmLabel || "OK";
    dialog.hidden = false;
    const done = (answer) => {
      dialog.hidden = true;
      $("#ck-confirm-ok").onclick = null;
      $("#ck-confirm-cancel").onclick = null;
      resolveConfirm(answer);
    };
    $("#ck-confirm-ok").onclick = () => done(true);
    $("#ck-confirm-cancel").onclick = () => done(false);
  });
}

document.addEventListener("click", async (event) => {
  const el = event.target.closest("[data-ck-action]");
  if (!el || !el.closest("#ck-stage")) return;
  if (el.matches("input, select, textarea")) return;
  event.preventDefault();
  if (el.dataset.ckConfirmTitle !== undefined && !(await askConfirm(el))) return;
  dispatch(JSON.parse(el.getAttribute("data-ck-action")));
});

document.addEventListener("input", (event) => {
  const el = event.target;
  if (el.closest && el.closest("#ck-stage") && el.dataset.ckState) writeInput(el);
});

document.addEventListener("change", (event) => {
  const el = event.target;
  if (!(el.closest && el.closest("#ck-stage"))) return;
  if (el.dataset.ckState) writeInput(el);
  if (el.dataset.ckAction) dispatch(JSON.parse(el.getAttribute("data-ck-action")));
});

// ---- the editor: the component files, compiled by the engine on every change

async function loadFiles() {
  const res = await fetch("/playground/files");
  const body = await res.json();
  client.files = body.files;
  client.version = body.version;
  const picker = $("#ck-component");
  const previous = picker.value;
  picker.innerHTML = "";
  for (const file of body.files) {
    for (const id of file.components) {
      const option = document.createElement("option");
      option.value = id;
      option.textContent = id + " (" + file.name + ")";
      option.dataset.file = file.name;
      picker.appendChild(option);
    }
  }
  if (previous && Array.from(picker.options).some((o) => o.value === previous)) picker.value = previous;
  showSource();
  showDiagnostics();
}

function currentFile() {
  const option = $("#ck-component").selectedOptions[0];
  const name = option ? option.dataset.file : $("#ck-source").dataset.file;
  return client.files.find((f) => f.name === name) || client.files[0];
}

function showSource() {
  const file = currentFile();
  if (!file) return;
  const editor = $("#ck-source");
  if (editor.dataset.file !== file.name || document.activeElement !== editor) {
    editor.value = file.text;
    editor.dataset.file = file.name;
  }
}

function showDiagnostics() {
  const text = client.files.filter((f) => f.error).map((f) => f.error).join("\n\n");
  $("#ck-errors").textContent = text;
  $("#ck-errors").hidden = text === "";
}

let editTimer = null;
$("#ck-source").addEventListener("input", () => {
  clearTimeout(editTimer);
  editTimer = setTimeout(async () => {
    const editor = $("#ck-source");
    const res = await fetch("/playground/files/" + encodeURIComponent(editor.dataset.file), {
      method: "PUT",
      headers: { "Content-Type": "text/plain" },
      body: editor.value,
    });
    await res.json();
    await loadFiles();
    if (!currentFile().error) openRoot();
  }, 300);
});

$("#ck-component").addEventListener("change", () => {
  showSource();
  openRoot();
});
$("#ck-theme").addEventListener("change", () => {
  document.body.className = "ck-page-" + $("#ck-theme").value;
  paint();
});
$("#ck-run").addEventListener("click", openRoot);

// Files edited on disk: the server bumps its version; re-render when it moves.
setInterval(async () => {
  try {
    const res = await fetch("/playground/version");
    const body = await res.json();
    if (body.version !== client.version) {
      await loadFiles();
      if (!currentFile() || !currentFile().error) openRoot();
    }
  } catch (_) {}
}, 1000);

loadFiles().then(openRoot);
