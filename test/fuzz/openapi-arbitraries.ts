// fast-check arbitraries for the fuzz suite, derived from the running app's OpenAPI document (which is
// generated from the routes' zod schemas), plus the inputs no schema describes: wrong types, huge and
// unstorable strings, deep nesting, forged cursors, other tenants' ids.
import fc from "fast-check";

export type JsonSchema = Record<string, any>;

export interface Operation {
  method: string;
  path: string;
  parameters: Array<{ name: string; in: "path" | "query" | "header"; required?: boolean; schema?: JsonSchema }>;
  body?: JsonSchema;
  bodyRequired: boolean;
  secured: boolean;
}

/** Every operation in the document, with `$ref`s left to `schemaArb` to resolve. */
export function operationsOf(doc: any): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries<any>(doc.paths ?? {})) {
    for (const method of ["get", "post", "put", "patch", "delete"]) {
      const op = item[method];
      if (!op) continue;
      const json = op.requestBody?.content?.["application/json"]?.schema;
      ops.push({
        method: method.toUpperCase(),
        path,
        parameters: [...(item.parameters ?? []), ...(op.parameters ?? [])],
        body: json,
        bodyRequired: !!op.requestBody?.required,
        secured: Array.isArray(op.security) && op.security.length > 0,
      });
    }
  }
  return ops;
}

/** Text Postgres cannot store, and other strings that broke parsers somewhere once. */
export const nastyString = fc.oneof(
  fc.constantFrom("\u0000", "a\u0000b", "\ud800", "x\udfff", "\ud83d", "💥\u0000", "", " ", "null", "undefined", "../../etc/passwd", "%00", "\\u0000", "'; drop table contacts; --", "<script>"),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ unit: fc.constantFrom("\u0000", "\ud800", "a", "\udc00", "é"), maxLength: 20 }),
  fc.integer({ min: 200, max: 300_000 }).map((n) => "x".repeat(n)),
);

export function deepJson(depth: number, leaf: unknown = 1): unknown {
  let v: unknown = leaf;
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { d: v };
  return v;
}

/** Any JSON value, including the nasty strings and depths no schema allows. */
export const garbageJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  nastyString,
  // Deep enough to be past every limit, shallow enough for the test's own JSON.stringify.
  fc.integer({ min: 2, max: 3_000 }).map((d) => deepJson(d)),
  fc.constantFrom(null, true, 0, -1, 1e308, [], {}, "", [null], { "": null }),
  fc.dictionary(nastyString, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
);

const b64 = (s: string) => btoa(unescape(encodeURIComponent(s))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

/** Cursors: well-formed base64 of JSON that is not a position, and plain junk. */
export const cursorArb = fc.oneof(
  fc.constantFrom(
    b64(JSON.stringify(["2026-01-01T00:00:00.000Z", "-".repeat(36)])),
    b64(JSON.stringify(["+275760-09-13T00:00:00.000Z", "00000000-0000-4000-8000-000000000000"])),
    b64(JSON.stringify(["-000001-01-01T00:00:00.000Z", "00000000-0000-4000-8000-000000000000"])),
    b64(JSON.stringify([{}, []])),
    b64(JSON.stringify({ at: 1 })),
    b64("not json"),
    b64("\u0000"),
    "%%%",
    "",
  ),
  fc.tuple(fc.date({ noInvalidDate: false }), fc.oneof(fc.uuid(), fc.string())).map(([d, id]) => b64(JSON.stringify([Number.isNaN(d.getTime()) ? "x" : d.toISOString(), id]))),
  fc.string({ maxLength: 300 }),
);

function resolve(doc: any, schema: JsonSchema | undefined): JsonSchema {
  let s = schema ?? {};
  for (let i = 0; i < 10 && s.$ref; i++) s = s.$ref.replace(/^#\//, "").split("/").reduce((o: any, k: string) => o?.[k], doc) ?? {};
  return s;
}

/** Values that (mostly) satisfy the schema, so requests get past validation into the services. */
export function schemaArb(doc: any, raw: JsonSchema | undefined, depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(doc, raw);
  if (depth > 5) return fc.constant(null);
  const alts = s.anyOf ?? s.oneOf;
  if (Array.isArray(alts) && alts.length > 0) return fc.oneof(...alts.map((a: JsonSchema) => schemaArb(doc, a, depth + 1)));
  if (s.enum) return fc.constantFrom(...s.enum);
  if (s.const !== undefined) return fc.constant(s.const);
  const type = Array.isArray(s.type) ? s.type.find((t: string) => t !== "null") : s.type;
  const nullable = Array.isArray(s.type) && s.type.includes("null");
  let arb: fc.Arbitrary<unknown>;
  switch (type) {
    case "string":
      if (s.format === "uuid") arb = fc.uuid();
      else if (s.format === "email") arb = fc.emailAddress();
      else if (s.format === "date-time") arb = fc.date({ min: new Date("2000-01-01"), max: new Date("2100-01-01"), noInvalidDate: true }).map((d) => d.toISOString());
      else if (s.format === "uri" || s.format === "url") arb = fc.webUrl();
      else arb = fc.string({ minLength: s.minLength ?? 0, maxLength: Math.min(s.maxLength ?? 40, 80) });
      break;
    case "integer":
      arb = fc.integer({ min: Math.max(s.minimum ?? -1000, -1e9), max: Math.min(s.maximum ?? 1000, 1e9) });
      break;
    case "number":
      arb = fc.double({ min: s.minimum ?? -1e6, max: s.maximum ?? 1e6, noNaN: true });
      break;
    case "boolean":
      arb = fc.boolean();
      break;
    case "array":
      arb = fc.array(schemaArb(doc, s.items, depth + 1), { minLength: s.minItems ?? 0, maxLength: Math.min(s.maxItems ?? 3, 5) });
      break;
    case "object":
    default: {
      const props = Object.entries<JsonSchema>(s.properties ?? {});
      if (props.length === 0) {
        arb = type === "object" || s.additionalProperties ? fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }) : fc.jsonValue({ maxDepth: 2 });
        break;
      }
      const required = new Set<string>(s.required ?? []);
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [k, v] of props) model[k] = schemaArb(doc, v, depth + 1);
      arb = fc.record(model, { requiredKeys: props.map(([k]) => k).filter((k) => required.has(k)) });
    }
  }
  return nullable ? fc.option(arb, { nil: null }) : arb;
}

/** A schema-shaped value with one place broken: a nasty string, a wrong type, or deep nesting. */
export function mutatedArb(doc: any, schema: JsonSchema | undefined): fc.Arbitrary<unknown> {
  return fc.tuple(schemaArb(doc, schema), fc.oneof(garbageJson, nastyString), fc.nat()).map(([value, poison, pick]) => {
    if (!value || typeof value !== "object") return poison;
    const keys = Object.keys(value as object);
    if (keys.length === 0) return { x: poison };
    const copy: any = Array.isArray(value) ? [...value] : { ...(value as object) };
    copy[keys[pick % keys.length]!] = poison;
    return copy;
  });
}

/** Bodies for an operation: mostly schema-shaped (with or without one broken field), sometimes pure garbage. */
export function bodyArb(doc: any, op: Operation): fc.Arbitrary<{ kind: "json"; value: unknown } | { kind: "raw"; text: string; type: string } | { kind: "none" }> {
  const json = (a: fc.Arbitrary<unknown>) => a.map((value) => ({ kind: "json" as const, value }));
  const raw = fc.record({
    text: fc.oneof(
      fc.constantFrom("{", "[1,", '{"a":', "\u0000", "null", '"\ud800"', '{"name":"\u0000"}', "{}".repeat(5000)),
      // Nesting far past any parser's comfort, written as text (no recursion on this side).
      fc.integer({ min: 1_000, max: 100_000 }).map((d) => `${'{"a":'.repeat(d)}1${"}".repeat(d)}`),
      fc.integer({ min: 1_000, max: 100_000 }).map((d) => `${"[".repeat(d)}${"]".repeat(d)}`),
      fc.string({ maxLength: 100 }),
    ),
    type: fc.constantFrom("application/json", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=latin1", ""),
  }).map((r) => ({ kind: "raw" as const, ...r }));
  const none = fc.constant({ kind: "none" as const });
  if (!op.body) return fc.oneof({ arbitrary: none, weight: 3 }, { arbitrary: json(garbageJson), weight: 1 }, { arbitrary: raw, weight: 1 });
  return fc.oneof(
    { arbitrary: json(schemaArb(doc, op.body)), weight: 4 },
    { arbitrary: json(mutatedArb(doc, op.body)), weight: 3 },
    { arbitrary: json(garbageJson), weight: 2 },
    { arbitrary: raw, weight: 1 },
    { arbitrary: none, weight: 1 },
  );
}

/** Values for a query parameter: schema-shaped, cursors for `cursor`, and nasty strings. */
export function queryValueArb(doc: any, schema: JsonSchema | undefined, name: string): fc.Arbitrary<string | undefined> {
  const shaped = schemaArb(doc, schema).map((v) => (v === null || v === undefined ? undefined : typeof v === "object" ? JSON.stringify(v) : String(v)));
  const extra = name === "cursor" ? cursorArb : fc.oneof(nastyString, fc.constantFrom("-1", "0", "1e309", "NaN", "9".repeat(40), "true"));
  return fc.oneof({ arbitrary: fc.constant(undefined), weight: 2 }, { arbitrary: shaped, weight: 3 }, { arbitrary: extra, weight: 2 });
}
