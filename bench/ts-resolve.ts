// The Worker's sources import each other without extensions (the bundler resolves them); Node's own
// TypeScript support does not. For a benchmark that imports them straight into Node: a relative import
// that does not resolve as written is tried as `.ts`, then as a folder's `index.ts`. Call before the
// first dynamic import of such a module (static imports are resolved before any code runs).
import { registerHooks } from "node:module";

export function resolveExtensionlessImports() {
  registerHooks({
    resolve(specifier, context, nextResolve) {
      try {
        return nextResolve(specifier, context);
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (!specifier.startsWith(".") || (code !== "ERR_MODULE_NOT_FOUND" && code !== "ERR_UNSUPPORTED_DIR_IMPORT")) throw err;
        for (const candidate of [`${specifier}.ts`, `${specifier}/index.ts`]) {
          try {
            return nextResolve(candidate, context);
          } catch {
            // the next candidate
          }
        }
        throw err;
      }
    },
  });
}
