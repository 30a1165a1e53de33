// The ContentKit playground's client: the part of GitBook's editor that keeps local
// state, resolves bindings, stacks modals, talks to web frames and sends `ui_render`
// requests, plus the workbench around it (editor, context, recording).
//
// Every render goes through the integration runtime's real endpoint, `POST /v1`, as
// multipart form data (`event`, `environment`), exactly as GitBook calls an
// integration; so do the `fetch` events of selects whose options come from a URL. The
// HTML of each output comes from the engine's HTML serializer (`POST /playground/html`),
// so the preview is what `contentkit render --format html` writes. No handler is ever
// built from a string of the page: events are delegated.
//
// The client follows `contentkit::component::Client` step for step (a view's local
// state starts as its output's state, inputs write into it, actions resolve bindings
// from it), so that a recorded session replays the same under `contentkit test`.
"use strict";

const $ = (sel) => document.querySelector(sel);
const clone = (v) => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

const CONTEXT_PRESETS = {
  document: { type: "document", spaceId: "space", editable: true },
  configuration_space: { type: "configuration_space", spaceId: "space" },
  configuration_site: { type: "configuration_site", siteId: "site" },
  configuration_account: { type: "configuration_account", organizationId: "organization" },
};

function installationUrls(path) {
  const base = location.origin;
  return {
    location: "https://api.gitbook.com/v1/orgs/organization/integrations/playground/" + path,
    publicEndpoint: base + "/",
    publicContentEndpoint: base + "/",
  };
}

const DEFAULT_ENVIRONMENT = {
  apiEndpoint: "https://api.gitbook.com",
  apiTokens: { integration: "playground" },
  integration: { name: "playground" },
  installation: {
    id: "installation",
    status: "active",
    configuration: {},
    externalIds: [],
    urls: installationUrls("installations/installation"),
  },
  spaceInstallation: {
    space: "space",
    integration: "playground",
    installation: "installation",
    status: "active",
    configuration: {},
    externalIds: [],
    urls: installationUrls("installations/installation/spaces/space"),
  },
  secrets: {},
  signingSecrets: { integration: "playground" },
};

const app = {
  stack: [], // [{ componentId, output, local }], bottom first
  version: -1,
  files: [],
  folder: null,
  proxy: document.body.dataset.proxy || null,
  settings: {}, // per component: { props, context, environment } as JSON texts
  editors: {},
  recording: null, // { scenario, seen }
  lastScenario: null,
  frames: new Map(), // iframe window -> { ready, sent }
  busy: Promise.resolve(),
  log(kind, text) {
    const li = document.createElement("li");
    li.className = "pg-log-" + kind.replace(/[^a-z-]/g, "");
    const tag = document.createElement("span");
    tag.className = "pg-log-kind";
    tag.textContent = kind;
    li.append(tag, " " + text);
    $("#ck-events").prepend(li);
    while ($("#ck-events").children.length > 50) $("#ck-events").lastChild.remove();
  },
};

// ---- what the component sees: props, context, environment (per component, in the URL)

function componentId() {
  return $("#ck-component").value.trim();
}

function settingsFor(id) {
  if (!app.settings[id]) {
    app.settings[id] = {
      props: "{}",
      context: JSON.stringify(CONTEXT_PRESETS.document, null, 2),
      environment: JSON.stringify(DEFAULT_ENVIRONMENT, null, 2),
    };
  }
  return app.settings[id];
}

function parseObject(what, text) {
  let value;
  try {
    value = JSON.parse(text || "{}");
  } catch (e) {
    throw new Error(what + ": " + e.message);
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) throw new Error(what + " must be a JSON object");
  return value;
}

function theme() {
  return $("#ck-theme").value;
}

function currentProps() {
  return parseObject("props", settingsFor(componentId()).props);
}

function currentContext() {
  const context = parseObject("context", settingsFor(componentId()).context);
  context.theme = theme();
  return context;
}

function currentEnvironment() {
  return parseObject("environment", settingsFor(componentId()).environment);
}

// The view in the URL: #component=…&props=…&context=…&environment=…&theme=…
function writeUrl() {
  const id = componentId();
  if (!id) return;
  const s = settingsFor(id);
  const params = new URLSearchParams();
  params.set("component", id);
  const compact = (text) => {
    try {
      return JSON.stringify(JSON.parse(text));
    } catch (_) {
      return text;
    }
  };
  if (compact(s.props) !== "{}") params.set("props", compact(s.props));
  if (compact(s.context) !== JSON.stringify(CONTEXT_PRESETS.document)) params.set("context", compact(s.context));
  if (compact(s.environment) !== JSON.stringify(DEFAULT_ENVIRONMENT)) params.set("environment", compact(s.environment));
  if (theme() !== "light") params.set("theme", theme());
  app.writtenHash = "#" + params.toString();
  history.replaceState(null, "", app.writtenHash);
}

function readUrl() {
  const params = new URLSearchParams(location.hash.slice(1));
  const id = params.get("component");
  if (!id) return null;
  const s = settingsFor(id);
  const pretty = (text) => {
    try {
      return JSON.stringify(JSON.parse(text), null, 2);
    } catch (_) {
      return text;
    }
  };
  if (params.has("props")) s.props = pretty(params.get("props"));
  if (params.has("context")) s.context = pretty(params.get("context"));
  if (params.has("environment")) s.environment = pretty(params.get("environment"));
  setTheme(params.get("theme") === "dark" ? "dark" : "light");
  return id;
}

function showSettings() {
  const s = settingsFor(componentId());
  app.editors.props.setValue(s.props);
  app.editors.context.setValue(s.context);
  app.editors.environment.setValue(s.environment);
  try {
    const context = JSON.parse(s.context);
    if (CONTEXT_PRESETS[context.type]) $("#ck-context-type").value = context.type;
    $("#ck-editable").checked = context.editable !== false;
    $("#ck-editable").disabled = context.type !== "document";
  } catch (_) {}
}

let settingsTimer = null;
function settingsChanged(which, text) {
  settingsFor(componentId())[which] = text;
  clearTimeout(settingsTimer);
  settingsTimer = setTimeout(() => {
    try {
      currentProps();
      currentContext();
      currentEnvironment();
      showJsonError("");
    } catch (e) {
      showJsonError(e.message);
      return;
    }
    writeUrl();
    if (which === "context") showSettings();
    openRoot();
  }, 400);
}

function showJsonError(text) {
  $("#ck-json-error").textContent = text;
  $("#ck-json-error").hidden = !text;
}

// ---- the runtime: every request a multipart POST /v1

function eventId() {
  return "evt_" + Math.random().toString(36).slice(2);
}

async function postEvent(event) {
  const form = new FormData();
  form.append("event", JSON.stringify(event));
  form.append("environment", JSON.stringify(currentEnvironment()));
  // The debug header asks for a failing render's located error as `detail`.
  const res = await fetch("/v1", { method: "POST", body: form, headers: { "x-contentkit-debug": "1" } });
  return res;
}

async function postRender(componentId, props, state, action) {
  const event = {
    eventId: eventId(),
    type: "ui_render",
    installationId: "installation",
    componentId,
    props,
    context: currentContext(),
  };
  if (state !== undefined) event.state = state;
  if (action !== undefined) event.action = action;
  const res = await postEvent(event);
  const text = await res.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch (_) {
    body = { error: text || "HTTP " + res.status };
  }
  logRequest(event, res.status, body);
  if (!res.ok) {
    const error = new Error(body.detail || body.error || "HTTP " + res.status);
    error.status = res.status;
    throw error;
  }
  return body;
}

// A `fetch` event, as GitBook sends one when it calls the integration's URL.
async function postFetch(url) {
  const event = {
    eventId: eventId(),
    type: "fetch",
    installationId: "installation",
    spaceId: "space",
    request: { method: "get", url, headers: { accept: "application/json" } },
  };
  const res = await postEvent(event);
  const text = await res.text();
  logRequest(event, res.status, text.length > 200 ? text.slice(0, 200) + "…" : text);
  if (!res.ok) {
    let message = text;
    try {
      message = JSON.parse(text).error || text;
    } catch (_) {}
    throw new Error("fetch " + url + ": " + res.status + " " + message);
  }
  return JSON.parse(text);
}

function logRequest(event, status, body) {
  const li = document.createElement("li");
  const what =
    event.type === "fetch"
      ? "fetch " + event.request.url
      : event.componentId + (event.action ? " ← " + event.action.action : " (open)");
  li.className = status >= 400 ? "pg-request-failed" : "";
  const head = document.createElement("span");
  head.textContent = "POST /v1 " + status + " · " + what;
  li.append(head);
  li.title = JSON.stringify(event.action || event.request || event.props || {});
  $("#ck-requests").prepend(li);
  while ($("#ck-requests").children.length > 40) $("#ck-requests").lastChild.remove();
}

// ---- the client: GitBook's editor between renders

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
  $("#ck-runtime-error").hidden = !message;
}

function topView() {
  return app.stack[app.stack.length - 1];
}

// Serializes the client's work: one click's requests finish before the next's start.
function serially(task) {
  app.busy = app.busy.then(task, task);
  return app.busy;
}

function openRoot() {
  return serially(async () => {
    showError("");
    $("#ck-complete").textContent = "";
    app.stack = [];
    const id = componentId();
    if (!id) {
      if (!app.proxy && app.files.length === 0) {
        showError(
          "No component files in " + (app.folder || "this folder") +
            " yet: add one (.tsx, .ts, .jsx, .js or .ckx) and it appears here."
        );
      }
      return paint();
    }
    let props;
    try {
      props = currentProps();
      currentContext();
    } catch (e) {
      showJsonError(e.message);
      return paint();
    }
    try {
      const output = await postRender(id, props);
      if (app.recording) startScenario(id, props, output);
      if (output.type === "complete") {
        showComplete(output.returnValue);
        await paint();
      } else {
        push(id, output);
        await paint();
      }
    } catch (e) {
      showError(e.message);
      await paint();
    }
    noteSeen();
  });
}

function push(componentId, output) {
  app.stack.push({ componentId, output, local: clone(output.state || {}) });
}

function replaceTop(output) {
  const view = topView();
  app.stack[app.stack.length - 1] = { componentId: view.componentId, output, local: clone(output.state || {}) };
}

function showComplete(returnValue) {
  const shown = JSON.stringify(returnValue === undefined ? null : returnValue);
  $("#ck-complete").textContent = shown;
  app.log("complete", shown);
}

// The state sent with an action: the output's state with the local state over it.
function stateOf(view) {
  return Object.assign({}, view.output.state, view.local);
}

// Pops the top view and hands `returnValue` to the one underneath; with none, the flow
// is complete.
async function handBack(returnValue, closed) {
  app.stack.pop();
  if (app.stack.length === 0) {
    showComplete(returnValue);
    return;
  }
  const rv = returnValue || {};
  app.log(closed ? "modal closed" : "modal completed", JSON.stringify(rv));
  const view = topView();
  const output = await postRender(view.componentId, view.output.props, stateOf(view), {
    action: "@ui.modal.close",
    returnValue: rv,
  });
  if (output.type === "complete") return handBack(output.returnValue, false);
  replaceTop(output);
}

// Dispatches an action from the top view, as `Client::dispatch` does. `label` is what
// the person pressed, for the recording.
function dispatch(rawAction, label) {
  return serially(async () => {
    const view = topView();
    if (!view) return;
    showError("");
    recordSets();
    const action = resolve(rawAction, view.local || {});
    try {
      switch (action.action) {
        case "@ui.url.open":
          app.log("url", action.url);
          $("#ck-urls").textContent = action.url;
          window.open(action.url, "_blank", "noopener");
          break;
        case "@ui.modal.open": {
          app.log("modal open", action.componentId);
          const output = await postRender(action.componentId, action.props || {});
          if (output.type === "complete") await handBack(output.returnValue, false);
          else push(action.componentId, output);
          break;
        }
        case "@ui.modal.close":
          // A modal hands its value to the view underneath; a root modal, to whoever
          // opened it, which ends the flow.
          if (app.stack.length > 1 || view.output.element.type === "modal") {
            await handBack(action.returnValue, true);
            break;
          }
          await send(view, action);
          break;
        case "@editor.node.updateProps":
          // GitBook stores the block's new props and renders it again with them.
          app.log("props updated", JSON.stringify(action.props || {}));
          await send(view, action, action.props || {});
          break;
        default:
          await send(view, action);
      }
    } catch (e) {
      showError(e.message);
    }
    recordStep({ dispatch: clone(rawAction), label });
    await paint();
    noteSeen();
  });
}

async function send(view, action, props) {
  const output = await postRender(view.componentId, props || view.output.props, stateOf(view), action);
  if (output.type === "complete") return handBack(output.returnValue, false);
  replaceTop(output);
}

// ---- painting: the views, the output tree, the local state

// `current` tells, once the answer is in, whether it is still the one wanted: a
// stale answer must not put back the state it was asked with.
async function htmlFor(view, current = () => true) {
  const res = await fetch("/playground/html", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ element: view.output.element, state: view.local, theme: theme() }),
  });
  const body = await res.json();
  if (!res.ok) throw new Error(body.error || "HTTP " + res.status);
  // The serializer seeds unset keys from the inputs' initial values, as the client does.
  if (current()) view.local = body.state;
  return body.html;
}

async function paint() {
  const preview = $("#ck-preview");
  const layer = $("#ck-modal-layer");
  const hadModal = !layer.hidden;
  if (app.stack.length === 0) {
    preview.innerHTML = "";
    layer.innerHTML = "";
    layer.hidden = true;
    showTree(null);
    $("#ck-state").textContent = "";
  } else {
    try {
      preview.innerHTML = await htmlFor(app.stack[0]);
      if (app.stack.length > 1) {
        layer.innerHTML = await htmlFor(topView());
        layer.hidden = false;
        preview.inert = true;
        if (!hadModal) focusModal();
      } else {
        layer.innerHTML = "";
        layer.hidden = true;
        preview.inert = false;
      }
    } catch (e) {
      showError(e.message);
    }
    showTree(topView().output);
    $("#ck-state").textContent = JSON.stringify(topView().local, null, 2);
    enhance($("#ck-stage"));
  }
  document.body.dataset.renders = String(Number(document.body.dataset.renders || 0) + 1);
}

function focusModal() {
  const dialog = $("#ck-modal-layer .contentkit-modal");
  if (!dialog) return;
  // The first field of its body, else its submit button, else its close button.
  const first = [
    ".contentkit-modal-body :is(input, select, textarea, button, [tabindex='0']):not([disabled])",
    ".contentkit-modal-footer button:not([disabled])",
    ".contentkit-modal-close",
  ]
    .map((selector) => dialog.querySelector(selector))
    .find(Boolean);
  (first || dialog).focus();
}

// After each paint: web frames, URL-fed selects, code gutters.
function enhance(root) {
  root.querySelectorAll("[data-ck-webframe-data] iframe, .contentkit-webframe iframe").forEach(watchFrame);
  root.querySelectorAll("[data-ck-options-url]").forEach(enhanceSelect);
  root.querySelectorAll(".contentkit-code-editable textarea").forEach(updateGutter);
}

// ---- the output JSON as a tree

function showTree(output) {
  const root = $("#ck-json");
  const open = new Set(Array.from(root.querySelectorAll("details[open]")).map((d) => d.dataset.path));
  root.textContent = "";
  root.dataset.json = output ? JSON.stringify(output) : "";
  if (!output) return;
  root.append(treeNode(null, output, "$", open, 0));
}

function treeNode(key, value, path, open, depth) {
  const keyEl = () => {
    const k = document.createElement("span");
    k.className = "pg-tree-key";
    k.textContent = key === null ? "" : JSON.stringify(key) + ": ";
    return k;
  };
  if (value && typeof value === "object") {
    const entries = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
    const details = document.createElement("details");
    details.dataset.path = path;
    details.open = open.has(path) || (open.size === 0 && depth < 3);
    const summary = document.createElement("summary");
    const brackets = Array.isArray(value) ? ["[", "]"] : ["{", "}"];
    const hint = document.createElement("span");
    hint.className = "pg-tree-hint";
    const type = !Array.isArray(value) && typeof value.type === "string" ? " " + value.type : "";
    hint.textContent = brackets[0] + (entries.length ? "…" + entries.length + type : "") + brackets[1];
    summary.append(keyEl(), hint);
    details.append(summary);
    const list = document.createElement("div");
    list.className = "pg-tree-children";
    for (const [k, v] of entries) list.append(treeNode(Array.isArray(value) ? null : k, v, path + "." + k, open, depth + 1));
    details.append(list);
    return details;
  }
  const leaf = document.createElement("div");
  leaf.className = "pg-tree-leaf";
  const v = document.createElement("span");
  v.className = "pg-tree-" + (value === null ? "null" : typeof value);
  v.textContent = JSON.stringify(value);
  leaf.append(keyEl(), v);
  return leaf;
}

// ---- interaction: inputs write local state, controls dispatch

// The view an element belongs to: the modal layer is the top view, the rest the base.
function viewOf(el) {
  if (el.closest("#ck-modal-layer")) return topView();
  return app.stack[0];
}

function writeInput(el) {
  const key = el.dataset.ckState;
  const view = viewOf(el);
  if (!key || !view) return;
  view.local = view.local || {};
  if (el.type === "checkbox" && el.dataset.ckValue !== undefined && el.getAttribute("role") !== "switch") {
    const value = JSON.parse(el.dataset.ckValue);
    const list = Array.isArray(view.local[key]) ? view.local[key].slice() : [];
    const i = list.findIndex((v) => same(v, value));
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
  if (el.closest(".contentkit-code-editable")) updateGutter(el);
  $("#ck-state").textContent = JSON.stringify(topView().local, null, 2);
  refreshBindings(view);
}

function updateGutter(textarea) {
  const gutter = textarea.parentElement.querySelector(".contentkit-code-gutter");
  if (!gutter) return;
  const start = Number(gutter.dataset.ckLineStart || 1);
  const lines = Math.max(1, textarea.value.split("\n").length);
  if (gutter.childElementCount === 0 && gutter.dataset.lines === String(lines)) return;
  gutter.dataset.lines = String(lines);
  const numbers = [];
  for (let i = 0; i < lines; i++) numbers.push(String(start + i));
  gutter.textContent = numbers.join("\n");
  gutter.scrollTop = textarea.scrollTop;
  if (!textarea.dataset.gutterSync) {
    textarea.dataset.gutterSync = "1";
    textarea.addEventListener("scroll", () => (gutter.scrollTop = textarea.scrollTop));
  }
}

// Re-renders only what bindings feed (web frames' data, bound text), so the field being
// typed into keeps its focus; web frames get their new state.
async function refreshBindings(view) {
  if (!JSON.stringify(view.output.element).includes('"$state"')) return;
  // Each keystroke asks for the page again, and the answers may come back out of
  // order: only the answer to the latest question is applied, so that an older one
  // never overwrites what a frame was last sent.
  const asked = (view.bindingsAsked = (view.bindingsAsked || 0) + 1);
  const latest = () => asked === view.bindingsAsked;
  const html = await htmlFor(view, latest);
  if (!latest()) return;
  const fresh = document.createElement("div");
  fresh.innerHTML = html;
  const container = view === app.stack[0] ? $("#ck-preview") : $("#ck-modal-layer");
  fresh.querySelectorAll("[data-ck-webframe-data][data-ck-path]").forEach((wrapper) => {
    const old = container.querySelector('[data-ck-path="' + CSS.escape(wrapper.dataset.ckPath) + '"]');
    if (old) old.setAttribute("data-ck-webframe-data", wrapper.getAttribute("data-ck-webframe-data"));
  });
  // Read-only bound content (markdown, text, a code block's content) follows too.
  fresh.querySelectorAll(".contentkit-markdown[data-ck-path], pre.contentkit-code").forEach((el) => {
    const path = el.dataset.ckPath || (el.closest("[data-ck-path]") || {}).dataset?.ckPath;
    if (!path) return;
    const old = container.querySelector('[data-ck-path="' + CSS.escape(path) + '"]');
    const fromFresh = fresh.querySelector('[data-ck-path="' + CSS.escape(path) + '"]');
    if (old && fromFresh && !old.contains(document.activeElement) && old.innerHTML !== fromFresh.innerHTML) {
      old.innerHTML = fromFresh.innerHTML;
    }
  });
  container.querySelectorAll("[data-ck-webframe-data] iframe").forEach(sendFrameState);
}

// ---- confirmations: the engine's own dialog, from the template beside the control

function askConfirm(el) {
  return new Promise((answer) => {
    const layer = $("#ck-confirm");
    const template = el.dataset.ckConfirm && document.getElementById(el.dataset.ckConfirm);
    layer.textContent = "";
    const holder = document.createElement("div");
    holder.className = "contentkit contentkit-theme-" + theme();
    if (template && template.content) {
      holder.append(template.content.cloneNode(true));
    } else {
      // A control without a template: the same dialog, built from its texts.
      const dialog = document.createElement("div");
      dialog.className = "contentkit-confirm";
      dialog.setAttribute("role", "alertdialog");
      const h = document.createElement("h3");
      h.className = "contentkit-confirm-title";
      h.textContent = el.dataset.ckConfirmTitle || "";
      const p = document.createElement("p");
      p.className = "contentkit-confirm-text";
      p.textContent = el.dataset.ckConfirmText || "";
      const buttons = document.createElement("div");
      buttons.className = "contentkit-confirm-buttons";
      const cancel = document.createElement("button");
      cancel.className = "contentkit-button contentkit-button-secondary";
      cancel.dataset.ckConfirmCancel = "";
      cancel.textContent = "Cancel";
      const ok = document.createElement("button");
      ok.className =
        "contentkit-button " + (el.dataset.ckConfirmStyle === "danger" ? "contentkit-button-danger" : "contentkit-button-primary");
      ok.dataset.ckConfirmAccept = "";
      ok.textContent = el.dataset.ckConfirmLabel || "OK";
      buttons.append(cancel, ok);
      dialog.append(h, p, buttons);
      holder.append(dialog);
    }
    layer.append(holder);
    layer.hidden = false;
    const dialog = layer.querySelector(".contentkit-confirm");
    const ok = layer.querySelector("[data-ck-confirm-accept]");
    const cancel = layer.querySelector("[data-ck-confirm-cancel]");
    ok.id = "ck-confirm-ok";
    cancel.id = "ck-confirm-cancel";
    const done = (yes) => {
      layer.hidden = true;
      layer.textContent = "";
      document.removeEventListener("keydown", onKey, true);
      answer(yes);
    };
    const onKey = (e) => {
      if (e.key === "Escape") {
        e.stopPropagation();
        done(false);
      }
    };
    document.addEventListener("keydown", onKey, true);
    ok.addEventListener("click", () => done(true));
    cancel.addEventListener("click", () => done(false));
    layer.onclick = (e) => {
      if (!dialog.contains(e.target)) done(false);
    };
    cancel.focus();
  });
}

// The step a stepper button leads to travels with the stepper's action, as `step`.
function actionOf(el) {
  const action = JSON.parse(el.getAttribute("data-ck-action"));
  if (el.dataset.ckStep !== undefined && el.closest(".contentkit-stepper") && el.tagName === "BUTTON") {
    const stepper = el.closest(".contentkit-stepper");
    if (same(JSON.parse(stepper.dataset.ckActionStepChange || "null"), action)) {
      return Object.assign({}, action, { step: el.dataset.ckStep });
    }
  }
  return action;
}

function labelOf(el) {
  const label = el.querySelector(".contentkit-button-label, .contentkit-menu-item-label, .contentkit-card-title");
  return (label ? label.textContent : el.getAttribute("aria-label") || el.textContent || "").trim() || undefined;
}

document.addEventListener("click", async (event) => {
  const stage = $("#ck-stage");
  if (!stage.contains(event.target)) return;
  // Links open in a new tab, as in GitBook; the playground stays.
  const link = event.target.closest("a[href]");
  if (link && link.closest("#ck-canvas")) {
    event.preventDefault();
    app.log("link", link.href);
    $("#ck-urls").textContent = link.href;
    window.open(link.href, "_blank", "noopener");
    return;
  }
  // A click on the modal layer's backdrop closes the modal.
  const layer = $("#ck-modal-layer");
  if (event.target === layer || (event.target.parentElement === layer && event.target.classList.contains("contentkit"))) {
    closeTopModal();
    return;
  }
  const el = event.target.closest("[data-ck-action]");
  if (!el || !el.closest("#ck-canvas") || el.closest(".contentkit-select-dynamic")) return;
  if (el.matches("input, select, textarea")) return;
  event.preventDefault();
  if (el.disabled) return;
  if (el.dataset.ckConfirmTitle !== undefined && !(await askConfirm(el))) return;
  dispatch(actionOf(el), labelOf(el));
});

// A pressable card answers Enter and Space, as a button does.
document.addEventListener("keydown", (event) => {
  const el = event.target;
  if ((event.key === "Enter" || event.key === " ") && el.matches && el.matches(".contentkit-card-clickable[data-ck-action]")) {
    event.preventDefault();
    el.click();
  }
});

function closeTopModal() {
  const close = $("#ck-modal-layer .contentkit-modal-close[data-ck-action]");
  if (close) dispatch(JSON.parse(close.getAttribute("data-ck-action")), "Close");
}

document.addEventListener("input", (event) => {
  const el = event.target;
  if (el.closest && el.closest("#ck-canvas") && el.dataset.ckState && !el.closest(".contentkit-select-dynamic")) writeInput(el);
});

document.addEventListener("change", async (event) => {
  const el = event.target;
  if (!(el.closest && el.closest("#ck-canvas")) || el.closest(".contentkit-select-dynamic")) return;
  if (el.dataset.ckConfirmTitle !== undefined && !(await askConfirm(el))) {
    // Declined: the control goes back to what it showed.
    if (el.type === "checkbox" || el.type === "radio") el.checked = !el.checked;
    return;
  }
  if (el.dataset.ckState) writeInput(el);
  if (el.dataset.ckAction) dispatch(JSON.parse(el.getAttribute("data-ck-action")));
});

// ---- web frames: GitBook's postMessage protocol

function frameWrapper(frame) {
  return frame.closest(".contentkit-webframe");
}

function frameData(frame) {
  const wrapper = frameWrapper(frame);
  const raw = wrapper && wrapper.getAttribute("data-ck-webframe-data");
  if (!raw) return {};
  try {
    return JSON.parse(raw);
  } catch (_) {
    return {};
  }
}

function watchFrame(frame) {
  if (frame.dataset.ckWatched) return;
  frame.dataset.ckWatched = "1";
  // Its `@webframe.ready` may come before its load event: only a new frame starts
  // unready (one that reloads says it is ready again, which resends its state).
  if (frame.contentWindow && !app.frames.has(frame.contentWindow)) {
    app.frames.set(frame.contentWindow, { ready: false, sent: null });
  }
}

// `{ state }`: the frame's data, bindings resolved, on `@webframe.ready` and on every
// change of what it is bound to.
function sendFrameState(frame, force) {
  if (!frame.contentWindow) return;
  const info = app.frames.get(frame.contentWindow);
  if (!info || !info.ready) return;
  const state = frameData(frame);
  if (!force && same(info.sent, state)) return;
  info.sent = state;
  frame.contentWindow.postMessage({ state }, "*");
}

window.addEventListener("message", (event) => {
  const frame = Array.from(document.querySelectorAll("#ck-canvas iframe")).find((f) => f.contentWindow === event.source);
  if (!frame || !event.data || typeof event.data !== "object") return;
  const action = event.data.action;
  if (!action || typeof action !== "object" || typeof action.action !== "string") return;
  switch (action.action) {
    case "@webframe.ready": {
      const info = app.frames.get(frame.contentWindow) || {};
      info.ready = true;
      info.sent = null;
      app.frames.set(frame.contentWindow, info);
      app.log("webframe", "ready");
      sendFrameState(frame, true);
      break;
    }
    case "@webframe.resize":
      resizeFrame(frame, action.size || action);
      break;
    case "@webframe.actions":
      (Array.isArray(action.actions) ? action.actions : []).forEach((a) => {
        if (a && typeof a.action === "string") dispatch(a, "web frame");
      });
      break;
    default:
      dispatch(action, "web frame");
  }
});

function resizeFrame(frame, size) {
  // Frames often report the size they already have: only a change is applied and logged.
  if (frame.dataset.ckResized === JSON.stringify(size)) return;
  const num = (v) => (typeof v === "number" && isFinite(v) && v > 0 ? v : null);
  const style = frame.style;
  if (num(size.aspectRatio)) style.aspectRatio = String(size.aspectRatio);
  if (num(size.height)) {
    style.height = size.height + "px";
    style.aspectRatio = "auto";
  }
  style.maxWidth = num(size.maxWidth) ? size.maxWidth + "px" : "";
  style.maxHeight = num(size.maxHeight) ? size.maxHeight + "px" : "";
  frame.dataset.ckResized = JSON.stringify(size);
  app.log("webframe", "resize " + JSON.stringify(size));
}

// ---- selects whose options come from a URL: fetched from the integration

function enhanceSelect(wrapper) {
  if (wrapper.dataset.ckEnhanced) return;
  wrapper.dataset.ckEnhanced = "1";
  const key = wrapper.dataset.ckState;
  const multiple = wrapper.dataset.ckMultiple !== undefined;
  const view = viewOf(wrapper);
  const current = view && view.local ? view.local[key] : undefined;
  wrapper.textContent = "";
  wrapper.classList.add("pg-url-select");
  const query = document.createElement("input");
  query.type = "search";
  query.className = "contentkit-textinput pg-url-select-query";
  query.placeholder = "Search " + (wrapper.dataset.ckPlaceholder || "options") + "…";
  query.setAttribute("aria-label", "Search the options");
  const select = document.createElement("select");
  select.className = "contentkit-select";
  select.multiple = multiple;
  select.setAttribute("aria-label", wrapper.dataset.ckPlaceholder || key);
  const note = document.createElement("span");
  note.className = "contentkit-select-note";
  wrapper.append(query, select, note);
  let timer = null;
  let generation = 0;
  const load = async () => {
    const mine = ++generation;
    const url = new URL(wrapper.dataset.ckOptionsUrl, location.origin);
    if (query.value) url.searchParams.set("query", query.value);
    note.textContent = "Loading options from " + url.href + "…";
    try {
      const body = await postFetch(url.href);
      if (mine !== generation) return;
      const options = Array.isArray(body) ? body : Array.isArray(body && body.options) ? body.options : [];
      const chosen = view && view.local ? view.local[key] : current;
      select.textContent = "";
      if (!multiple) {
        const none = document.createElement("option");
        none.value = "";
        none.disabled = true;
        none.textContent = wrapper.dataset.ckPlaceholder || "Select…";
        select.append(none);
      }
      for (const o of options) {
        if (!o || (typeof o.id !== "string" && typeof o.id !== "number")) continue;
        const option = document.createElement("option");
        option.value = String(o.id);
        option.textContent = typeof o.label === "string" ? o.label : String(o.id);
        option.selected = multiple ? Array.isArray(chosen) && chosen.includes(option.value) : chosen === option.value;
        select.append(option);
      }
      if (!multiple && !options.some((o) => o && String(o.id) === chosen)) select.value = "";
      note.textContent = options.length + " option" + (options.length === 1 ? "" : "s") + " from " + url.pathname + url.search;
      wrapper.dataset.ckLoaded = String(options.length);
    } catch (e) {
      note.textContent = e.message;
      wrapper.dataset.ckLoaded = "error";
    }
  };
  query.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(load, 250);
  });
  select.addEventListener("change", () => {
    const v = viewOf(wrapper);
    if (!v) return;
    v.local[key] = multiple ? Array.from(select.selectedOptions).map((o) => o.value) : select.value;
    $("#ck-state").textContent = JSON.stringify(topView().local, null, 2);
    if (wrapper.dataset.ckAction) dispatch(JSON.parse(wrapper.dataset.ckAction));
  });
  load();
}

// ---- recording a session as a scenario

function startScenario(id, props, output) {
  app.recording.scenario = {
    component: id,
    props,
    context: currentContext(),
    environment: currentEnvironment(),
    output: output.type === "complete" ? output : clone(output),
    steps: [],
  };
}

// What the client holds after a render, so that only what the person changed becomes
// `set` steps.
function noteSeen() {
  if (!app.recording) return;
  app.recording.seen = topView() ? clone(topView().local) : null;
}

function recordSets() {
  const rec = app.recording;
  const view = topView();
  if (!rec || !rec.scenario || !view || !rec.seen) return;
  for (const [key, value] of Object.entries(view.local || {})) {
    if (!same(rec.seen[key], value)) rec.scenario.steps.push({ set: { key, value: clone(value) } });
  }
}

function recordStep(step) {
  const rec = app.recording;
  if (!rec || !rec.scenario) return;
  const view = topView();
  const returned = $("#ck-complete").textContent;
  step.output = view
    ? clone(view.output)
    : Object.assign({ type: "complete" }, returned && returned !== "null" ? { returnValue: JSON.parse(returned) } : {});
  if (step.label === undefined) delete step.label;
  rec.scenario.steps.push(step);
  $("#ck-recording-badge").textContent = "recording · " + rec.scenario.steps.length + " steps";
}

function toggleRecording() {
  const button = $("#ck-record");
  if (app.recording) {
    app.lastScenario = app.recording.scenario;
    app.recording = null;
    button.setAttribute("aria-pressed", "false");
    button.querySelector(".pg-record-label").textContent = "Record";
    $("#ck-recording-badge").hidden = true;
    $("#ck-save-scenario").hidden = !app.lastScenario;
    document.body.dataset.recorded = app.lastScenario ? String(app.lastScenario.steps.length) : "";
    return;
  }
  app.recording = { scenario: null, seen: null };
  button.setAttribute("aria-pressed", "true");
  button.querySelector(".pg-record-label").textContent = "Stop";
  $("#ck-recording-badge").hidden = false;
  $("#ck-recording-badge").textContent = "recording";
  $("#ck-save-scenario").hidden = true;
  openRoot();
}

async function saveScenario() {
  const scenario = app.lastScenario;
  if (!scenario) return;
  const text = JSON.stringify(scenario, null, 2) + "\n";
  const name = scenario.component;
  if (app.folder) {
    const res = await fetch("/playground/scenarios/" + encodeURIComponent(name), { method: "PUT", body: text });
    const body = await res.json();
    if (res.ok) {
      app.log("scenario", "saved " + body.saved + " (replay it with contentkit test)");
      document.body.dataset.scenarioSaved = body.saved;
      return;
    }
    app.log("scenario", body.error);
  }
  // Not on disk: the browser downloads it.
  const a = document.createElement("a");
  a.href = URL.createObjectURL(new Blob([text], { type: "application/json" }));
  a.download = name + ".scenario.json";
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  app.log("scenario", "downloaded " + a.download);
}

// ---- the editor: the component files, compiled by the engine on every change

function makeEditor(id, language, onChange, label) {
  const parent = document.getElementById(id);
  if (window.ContentKitEditor) {
    return window.ContentKitEditor.create(parent, { doc: "", language, dark: theme() === "dark", onChange, label });
  }
  // Without the bundle, a plain text area does the same job.
  const area = document.createElement("textarea");
  area.className = "pg-plain-editor";
  area.spellcheck = false;
  area.setAttribute("aria-label", label);
  parent.append(area);
  area.addEventListener("input", () => onChange(area.value));
  return {
    get value() {
      return area.value;
    },
    setValue(text) {
      if (area.value !== text) area.value = text;
    },
    setDiagnostics() {},
    setDark() {},
    focus() {
      area.focus();
    },
  };
}

async function loadFiles() {
  const res = await fetch("/playground/files");
  const body = await res.json();
  app.files = body.files;
  app.version = body.version;
  app.folder = body.folder;
  const list = $("#ck-components");
  list.textContent = "";
  for (const file of body.files) {
    for (const id of file.components) {
      const option = document.createElement("option");
      option.value = id;
      option.textContent = file.name;
      option.dataset.file = file.name;
      list.append(option);
    }
  }
  if (!componentId()) {
    const first = list.querySelector("option");
    if (first) $("#ck-component").value = first.value;
  }
  showSource();
  showDiagnostics();
  showBackend();
}

function showBackend() {
  const el = $("#ck-backend");
  if (app.proxy) el.textContent = "POST /v1 → " + app.proxy;
  else if (app.folder) el.textContent = app.folder;
  else el.textContent = "built-in examples";
  el.title = el.textContent;
}

function currentFile() {
  const id = componentId();
  return app.files.find((f) => f.components.includes(id)) || null;
}

function showSource() {
  const file = currentFile();
  const status = $("#ck-save-status");
  $("#ck-source").hidden = !file;
  if (!file) {
    app.editors.source.setValue("");
    $("#ck-file-name").textContent = "";
    const id = componentId();
    if (app.proxy) {
      status.textContent = id ? "rendered by the integration at " + app.proxy : "type a component id";
    } else if (id) {
      status.textContent = "no file declares " + JSON.stringify(id);
    }
    return;
  }
  if (app.editing !== file.name || !app.dirty) {
    app.editors.source.setValue(file.text);
    app.editing = file.name;
  }
  $("#ck-file-name").textContent = file.name;
  showSaveStatus(file);
}

function showSaveStatus(file, pending) {
  const status = $("#ck-save-status");
  status.className = "pg-save-status";
  if (pending) {
    status.textContent = "saving…";
  } else if (file.unsaved) {
    status.textContent = "unsaved: " + file.unsaved;
    status.classList.add("pg-unsaved");
  } else if (file.onDisk) {
    status.textContent = "saved to disk";
    status.classList.add("pg-saved");
  } else {
    status.textContent = "built-in example: edits stay in memory, unsaved";
    status.classList.add("pg-unsaved");
  }
}

// `file:line:col: error: message` lines, for the editor's inline marks.
function diagnosticsOf(text, fileName) {
  const out = [];
  const re = /^(.+?):(\d+):(\d+): (error|warning): (.*)$/gm;
  let m;
  while ((m = re.exec(text))) {
    if (fileName && !m[1].endsWith(fileName)) continue;
    // The message goes on until the next diagnostic: the quoted lines and help too.
    const rest = text.slice(re.lastIndex);
    const next = rest.search(/^.+?:\d+:\d+: (error|warning): /m);
    const extra = (next < 0 ? rest : rest.slice(0, next)).split("\n").filter((l) => /^help:|^note:/.test(l.trim()));
    out.push({ line: Number(m[2]), col: Number(m[3]), severity: m[4], message: [m[5]].concat(extra.map((l) => l.trim())).join("\n") });
  }
  return out;
}

function showDiagnostics() {
  const text = app.files.filter((f) => f.error).map((f) => f.error).join("\n\n");
  $("#ck-errors").textContent = text;
  $("#ck-errors").hidden = text === "";
  const file = currentFile();
  app.editors.source.setDiagnostics(file && file.error ? diagnosticsOf(file.error, file.name) : []);
}

let editTimer = null;
function sourceEdited() {
  const file = currentFile();
  if (!file) return;
  app.dirty = true;
  showSaveStatus(file, true);
  clearTimeout(editTimer);
  editTimer = setTimeout(saveSource, 300);
}

async function saveSource() {
  clearTimeout(editTimer);
  const file = currentFile();
  if (!file || !app.dirty) return;
  const text = app.editors.source.value;
  let body;
  try {
    const res = await fetch("/playground/files/" + encodeURIComponent(file.name), {
      method: "PUT",
      headers: { "Content-Type": "text/plain" },
      body: text,
    });
    body = await res.json();
  } catch (e) {
    // The edit stays in the editor, and the page says it is not saved.
    const status = $("#ck-save-status");
    status.textContent = "unsaved: the playground's server did not answer (" + e.message + ")";
    status.className = "pg-save-status pg-unsaved";
    return;
  }
  if (app.editors.source.value === text) app.dirty = false;
  await loadFiles();
  if (body.saveError) app.log("unsaved", body.saveError);
  if (!body.error) openRoot();
}

// ---- layout: tabs, splitters, shortcuts, theme

function selectTab(name) {
  document.querySelectorAll(".pg-tab").forEach((t) => t.setAttribute("aria-selected", String(t.dataset.tab === name)));
  document.querySelectorAll(".pg-panel").forEach((p) => (p.hidden = p.dataset.panel !== name));
}

document.querySelectorAll(".pg-tab").forEach((t) => t.addEventListener("click", () => selectTab(t.dataset.tab)));

function setTheme(name) {
  $("#ck-theme").value = name;
  document.body.classList.toggle("pg-dark", name === "dark");
  document.body.classList.toggle("pg-light", name !== "dark");
  for (const e of Object.values(app.editors)) e.setDark(name === "dark");
}

document.querySelectorAll(".pg-splitter").forEach((splitter) => {
  const main = $("#pg-main");
  const side = splitter.dataset.split;
  const setWidth = (px) => {
    const min = 220;
    const max = main.clientWidth * 0.6;
    const w = Math.max(min, Math.min(max, px));
    main.style.setProperty(side === "left" ? "--pg-left" : "--pg-right", w + "px");
  };
  splitter.addEventListener("pointerdown", (e) => {
    e.preventDefault();
    splitter.setPointerCapture(e.pointerId);
    const rect = main.getBoundingClientRect();
    const move = (ev) => setWidth(side === "left" ? ev.clientX - rect.left : rect.right - ev.clientX);
    const up = () => {
      splitter.removeEventListener("pointermove", move);
      splitter.removeEventListener("pointerup", up);
    };
    splitter.addEventListener("pointermove", move);
    splitter.addEventListener("pointerup", up);
  });
  splitter.addEventListener("keydown", (e) => {
    if (e.key !== "ArrowLeft" && e.key !== "ArrowRight") return;
    const pane = side === "left" ? $(".pg-left") : $(".pg-right");
    const delta = (e.key === "ArrowRight") === (side === "left") ? 24 : -24;
    setWidth(pane.getBoundingClientRect().width + delta);
  });
});

document.addEventListener("keydown", (e) => {
  const mod = e.ctrlKey || e.metaKey;
  if (e.key === "Escape") {
    if ($("#ck-shortcuts").open) return;
    if (!$("#ck-modal-layer").hidden && $("#ck-confirm").hidden) {
      e.preventDefault();
      closeTopModal();
    }
    return;
  }
  if (mod && e.key === "Enter") {
    e.preventDefault();
    openRoot();
  } else if (mod && (e.key === "s" || e.key === "S") && !e.shiftKey) {
    e.preventDefault();
    app.dirty = true;
    saveSource();
  } else if (mod && e.shiftKey && (e.key === "R" || e.key === "r")) {
    e.preventDefault();
    toggleRecording();
  } else if (mod && e.shiftKey && (e.key === "L" || e.key === "l")) {
    e.preventDefault();
    setTheme(theme() === "dark" ? "light" : "dark");
    writeUrl();
    openRoot();
  } else if (e.altKey && /^[1-4]$/.test(e.key)) {
    e.preventDefault();
    selectTab(["source", "props", "context", "environment"][Number(e.key) - 1]);
  } else if (e.key === "?" && !e.target.closest("input, textarea, select, [contenteditable], .cm-editor")) {
    e.preventDefault();
    $("#ck-shortcuts").showModal();
  }
});

// ---- wiring

function setup() {
  app.editors.source = makeEditor("ck-source", "tsx", sourceEdited, "Component source");
  app.editors.props = makeEditor("ck-props", "json", (t) => settingsChanged("props", t), "Props (JSON)");
  app.editors.context = makeEditor("ck-context", "json", (t) => settingsChanged("context", t), "Context (JSON)");
  app.editors.environment = makeEditor("ck-environment", "json", (t) => settingsChanged("environment", t), "Environment (JSON)");

  $("#ck-component").addEventListener("change", () => {
    app.dirty = false;
    showSettings();
    showSource();
    showDiagnostics();
    writeUrl();
    openRoot();
  });
  $("#ck-theme").addEventListener("change", () => {
    setTheme(theme());
    writeUrl();
    openRoot();
  });
  $("#ck-context-type").addEventListener("change", () => {
    const preset = Object.assign({}, CONTEXT_PRESETS[$("#ck-context-type").value]);
    const text = JSON.stringify(preset, null, 2);
    app.editors.context.setValue(text);
    settingsChanged("context", text);
  });
  $("#ck-editable").addEventListener("change", () => {
    let context;
    try {
      context = JSON.parse(settingsFor(componentId()).context);
    } catch (_) {
      return;
    }
    context.editable = $("#ck-editable").checked;
    const text = JSON.stringify(context, null, 2);
    app.editors.context.setValue(text);
    settingsChanged("context", text);
  });
  $("#ck-run").addEventListener("click", openRoot);
  $("#ck-record").addEventListener("click", toggleRecording);
  $("#ck-save-scenario").addEventListener("click", saveScenario);
  $("#ck-help").addEventListener("click", () => $("#ck-shortcuts").showModal());
  $("#ck-share").addEventListener("click", async () => {
    writeUrl();
    try {
      await navigator.clipboard.writeText(location.href);
      app.log("link", "copied " + location.href);
    } catch (_) {
      app.log("link", location.href);
    }
  });
  $("#ck-copy-json").addEventListener("click", async () => {
    const json = $("#ck-json").dataset.json;
    if (!json) return;
    const text = JSON.stringify(JSON.parse(json), null, 2);
    try {
      await navigator.clipboard.writeText(text);
      app.log("copied", "the output JSON");
    } catch (_) {
      app.log("copy", "the clipboard is not available here");
    }
  });
  $("#ck-expand").addEventListener("click", () => $("#ck-json").querySelectorAll("details").forEach((d) => (d.open = true)));
  $("#ck-collapse").addEventListener("click", () =>
    $("#ck-json").querySelectorAll("details").forEach((d) => (d.open = d.dataset.path === "$"))
  );
  $("#ck-unfurl").addEventListener("submit", (e) => {
    e.preventDefault();
    const url = $("#ck-unfurl-url").value.trim();
    if (url && topView()) dispatch({ action: "@link.unfurl", url }, "unfurl");
  });

  // Files edited on disk: the server bumps its version; re-render when it moves.
  setInterval(async () => {
    try {
      const res = await fetch("/playground/version");
      const body = await res.json();
      if (body.version !== app.version) {
        await loadFiles();
        const file = currentFile();
        if (!file || !file.error) openRoot();
      }
    } catch (_) {}
  }, 1000);

  // Leaving with an edit not yet saved asks first.
  window.addEventListener("beforeunload", (e) => {
    if (app.dirty) e.preventDefault();
  });

  // A link to another view of this page (only the fragment changes) opens that view.
  window.addEventListener("hashchange", () => {
    const id = readUrl();
    if (!id || (id === componentId() && location.hash === app.writtenHash)) return;
    $("#ck-component").value = id;
    app.dirty = false;
    showSettings();
    showSource();
    showDiagnostics();
    openRoot();
  });

  const fromUrl = readUrl();
  if (fromUrl) $("#ck-component").value = fromUrl;
  loadFiles().then(() => {
    showSettings();
    writeUrl();
    openRoot();
  });
}

// For tests and the curious: the client's state and a few entry points.
window.playground = {
  app,
  openRoot,
  dispatch,
  setSettings(which, value) {
    const text = typeof value === "string" ? value : JSON.stringify(value, null, 2);
    app.editors[which].setValue(text);
    settingsFor(componentId())[which] = text;
    writeUrl();
  },
  get scenario() {
    return app.lastScenario;
  },
};

setup();
