// Puts the API reference's browser bundle (@scalar/api-reference's standalone build) where the Worker's
// static assets are served from (wrangler.toml [assets]), so /docs loads every script from its own
// origin: the CSP allows nothing else, and the reference must work with no network beyond this server.
// Runs on `npm install` (postinstall); the copy is git-ignored, the package version is pinned.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
// The package's exports map hides dist/browser (and package.json), so it is read from its folder.
const pkgDir = path.join(root, "node_modules/@scalar/api-reference");
const from = path.join(pkgDir, "dist/browser/standalone.js");
const to = path.join(root, "public/assets/vendor/scalar/standalone.js");
mkdirSync(path.dirname(to), { recursive: true });
// Without its source map (not shipped): the trailing comment would point browsers at a missing file.
const text = readFileSync(from, "utf8").replace(/\n\/\/# sourceMappingURL=\S+\s*$/, "\n");
writeFileSync(to, text);
const version = JSON.parse(readFileSync(path.join(pkgDir, "package.json"), "utf8")).version;
console.log(`API reference bundle @scalar/api-reference ${version} -> public/assets/vendor/scalar/standalone.js`);
