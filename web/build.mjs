// Bundles editor.js and its CodeMirror packages into ../src/playground/editor.bundle.js,
// the file the binary embeds. Reproducible: the same package-lock.json gives the same
// bytes, which CI checks (`.ci/run` rebuilds and diffs).
import { readFileSync } from "node:fs";
import { build } from "esbuild";

// CodeMirror's MIT license travels with the bundle, as it asks.
const license = readFileSync("node_modules/codemirror/LICENSE", "utf8").trim();

await build({
  entryPoints: ["editor.js"],
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2020"],
  legalComments: "none",
  charset: "utf8",
  banner: {
    js:
      "// The playground's editor, bundled from web/ (npm run build).\n" +
      "/* CodeMirror 6 (codemirror, @codemirror/*, @lezer/*, style-mod, w3c-keyname, crelt):\n\n" +
      license +
      "\n*/",
  },
  outfile: "../src/playground/editor.bundle.js",
  logLevel: "warning",
});
