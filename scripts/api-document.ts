// Builds the OpenAPI document exactly as the Worker serves it at /openapi.json (same createApp, same
// buildDocument), without starting a server: `npm run api:lint` lints it and `npm run api:client`
// generates the typed client from it. The app is bundled for Node with esbuild (wrangler's bundler);
// the Workers-only module `cloudflare:workers` is replaced by a stand-in, since building the document
// only registers routes and never runs a Durable Object.
//
//   node scripts/api-document.ts [--out <file>]   (default .parley/openapi.json)
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";

const root = path.resolve(import.meta.dirname, "..");
/** The origin written into `servers` of the built file: where `npm run dev` serves the API. */
export const LOCAL_ORIGIN = "http://127.0.0.1:8787";

export async function buildApiDocument(): Promise<Record<string, unknown>> {
  const result = await build({
    stdin: {
      contents: `import { createApp } from "./src/app"; import { buildDocument } from "./src/openapi"; export const doc = () => buildDocument(createApp(), ${JSON.stringify(LOCAL_ORIGIN)});`,
      resolveDir: root,
      loader: "ts",
    },
    bundle: true,
    write: false,
    format: "esm",
    platform: "node",
    jsx: "automatic",
    jsxImportSource: "hono/jsx",
    logLevel: "error",
    plugins: [
      {
        name: "workers-runtime-stand-in",
        setup(b) {
          b.onResolve({ filter: /^cloudflare:/ }, (a) => ({ path: a.path, namespace: "workers-runtime" }));
          b.onLoad({ filter: /.*/, namespace: "workers-runtime" }, () => ({
            contents: "export class DurableObject {} export class WorkerEntrypoint {} export const env = {};",
            loader: "js",
          }));
        },
      },
    ],
  });
  // A file rather than a data: URL, so a failure while building names a readable location.
  const bundle = path.join(root, "node_modules/.cache/parley/api-document.mjs");
  mkdirSync(path.dirname(bundle), { recursive: true });
  writeFileSync(bundle, result.outputFiles[0]!.text);
  const mod = (await import(`${pathToFileURL(bundle).href}?t=${Date.now()}`)) as { doc: () => Record<string, unknown> };
  return mod.doc();
}

if (import.meta.main) {
  const i = process.argv.indexOf("--out");
  const out = path.resolve(root, i > 0 ? process.argv[i + 1]! : ".parley/openapi.json");
  const doc = await buildApiDocument();
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(doc, null, 2)}\n`);
  console.log(`OpenAPI document (${Object.keys(doc.paths as object).length} paths) -> ${path.relative(root, out)}`);
}
