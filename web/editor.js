// The playground's editor: CodeMirror 6 with TypeScript + JSX, line numbers, and the
// engine's compile errors drawn inline at their line:col. Bundled by build.mjs into
// src/playground/editor.bundle.js, which exposes `window.ContentKitEditor`.
import { EditorView, basicSetup } from "codemirror";
import { EditorState, Compartment } from "@codemirror/state";
import { keymap } from "@codemirror/view";
import { indentWithTab } from "@codemirror/commands";
import { javascript } from "@codemirror/lang-javascript";
import { setDiagnostics, lintGutter } from "@codemirror/lint";
import { oneDark } from "@codemirror/theme-one-dark";

const light = EditorView.theme({
  "&": { backgroundColor: "#fff", color: "#1f2328" },
  ".cm-gutters": { backgroundColor: "#f6f8fa", color: "#8c959f", borderRight: "1px solid #e5e7eb" },
});

// Offset of a 1-based line:col in the document, clamped inside it.
function offsetOf(doc, line, col) {
  const l = doc.line(Math.min(Math.max(line, 1), doc.lines));
  return Math.min(l.from + Math.max(col - 1, 0), l.to);
}

// The word (or the rest of the line) starting at `from`, so a mark covers the culprit.
function wordEnd(doc, from) {
  const line = doc.lineAt(from);
  const rest = doc.sliceString(from, line.to);
  const m = /^[\w$<>@.-]+/.exec(rest);
  if (m) return from + m[0].length;
  return Math.min(from + 1, line.to) === from ? line.to : Math.min(from + 1, line.to);
}

/**
 * Creates an editor in `parent`.
 * options: { doc, language: "tsx" | "json", dark, readOnly, onChange(text), label }
 */
function create(parent, options) {
  const theme = new Compartment();
  const language = options.language === "json" ? javascript() : javascript({ jsx: true, typescript: true });
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: options.doc || "",
      extensions: [
        basicSetup,
        keymap.of([indentWithTab]),
        language,
        lintGutter(),
        theme.of(options.dark ? oneDark : light),
        EditorState.readOnly.of(!!options.readOnly),
        EditorView.contentAttributes.of({ "aria-label": options.label || "editor" }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged && options.onChange && !update.transactions.some((t) => t.annotation(external))) {
            options.onChange(update.state.doc.toString());
          }
        }),
      ],
    }),
  });
  return {
    view,
    get value() {
      return view.state.doc.toString();
    },
    // Replaces the text without calling onChange (a file reloaded from disk).
    setValue(text) {
      if (text === view.state.doc.toString()) return;
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text }, annotations: external.of(true) });
    },
    // [{ line, col, message, severity }], 1-based positions.
    setDiagnostics(list) {
      const doc = view.state.doc;
      const diagnostics = list.map((d) => {
        const from = offsetOf(doc, d.line, d.col);
        return { from, to: Math.max(wordEnd(doc, from), from), severity: d.severity || "error", message: d.message };
      });
      view.dispatch(setDiagnostics(view.state, diagnostics));
    },
    setDark(dark) {
      view.dispatch({ effects: theme.reconfigure(dark ? oneDark : light) });
    },
    focus() {
      view.focus();
    },
  };
}

import { Annotation } from "@codemirror/state";
const external = Annotation.define();

window.ContentKitEditor = { create };
