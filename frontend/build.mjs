// Builds the process designer's browser bundles from the npm registry's packages and our modules in
// frontend/designer/ into web/static/build/ (git-ignored; `make frontend` runs this).
import * as esbuild from "esbuild";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

await esbuild.build({
  absWorkingDir: root,
  entryPoints: {
    "designer-bpmn": "frontend/designer/bpmn.js",
    "designer-dmn": "frontend/designer/dmn.js",
    "designer-diff": "frontend/designer/diff.js",
  },
  outdir: "web/static/build",
  bundle: true,
  format: "iife",
  target: ["es2020"],
  minify: !process.env.DESIGNER_DEBUG,
  sourcemap: false,
  legalComments: "linked",
  loader: {
    ".woff": "file",
    ".woff2": "file",
    ".ttf": "file",
    ".eot": "file",
    ".svg": "file",
    ".json": "json",
  },
  assetNames: "assets/[name]-[hash]",
  logLevel: "warning",
});
