import { env } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { apiMessage, createApiChannel, eventually, postSigned } from "./channel-harness";
import { buildPdf } from "./eval/search/pdf";
import { WebClient } from "./web-client";
import { call, createHarness, createTenant, expectError, expectStatus, ownerQuery, randomIp, withSql, type TenantHandle } from "./harness";

const RETURNS_POLICY = `# Returns and refunds

We want you to love what you bought. This page explains returns, refunds and exchanges.

## Return window

You can return any unused item within 30 days of delivery. Items must be in their original packaging.

## Refund timing

Refunds are issued to the original payment method within 5 business days after the returned parcel reaches our warehouse.
Bank transfers may take two more days to show on your statement.

## Exchanges

Exchanges for a different size are free of charge. Start an exchange from the Orders page in your account.`;

async function addDocument(t: TenantHandle, body: Record<string, unknown>) {
  const res = await call("POST", "/v1/knowledge/documents", { token: t.owner.token, body });
  expectStatus(res, 201);
  return res.body;
}

async function upload(t: TenantHandle, name: string, type: string, bytes: Uint8Array | string, fields: Record<string, string> = {}) {
  const form = new FormData();
  form.set("file", new File([bytes], name, { type }));
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  const res = await (exports as unknown as { default: Fetcher }).default.fetch(
    new Request("https://parley.test/v1/knowledge/documents", { method: "POST", headers: { authorization: `Bearer ${t.owner.token}`, "cf-connecting-ip": randomIp() }, body: form }),
  );
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, text };
}

async function settled(t: TenantHandle, id: string, status: "ready" | "failed" = "ready") {
  return eventually(async () => {
    const res = await call("GET", `/v1/knowledge/documents/${id}`, { token: t.owner.token });
    expectStatus(res, 200);
    expect(res.body.status, res.text).toBe(status);
    return res.body;
  });
}

const searchFor = (t: TenantHandle, query: string, mode = "hybrid", limit = 5) => call("POST", "/v1/knowledge/search", { token: t.owner.token, body: { query, mode, limit } });
const answerFor = (t: TenantHandle, question: string, language?: string) => call("POST", "/v1/knowledge/answer", { token: t.owner.token, body: { question, ...(language && { language }) } });

describe("knowledge documents and search", () => {
  let t: TenantHandle;
  let foreign: TenantHandle;
  let policyId: string;

  beforeAll(async () => {
    ({ tenant: t, foreign } = await createHarness());
    const doc = await addDocument(t, { title: "Returns policy", content: RETURNS_POLICY, format: "markdown", category: "policies" });
    expect(doc).toMatchObject({ title: "Returns policy", status: "processing", chunk_count: 0 });
    policyId = doc.id;
    await settled(t, policyId);
  });

  it("indexes a Markdown document along its sections, with language and chunk count", async () => {
    const doc = await settled(t, policyId);
    expect(doc).toMatchObject({ status: "ready", language: "en", version: 1, category: "policies", query_count: 0, last_queried_at: null });
    expect(doc.chunk_count).toBeGreaterThanOrEqual(3);
    const chunks = await ownerQuery("select heading, token_count, ts_config from knowledge_chunks where document_id = $1 order by chunk_index", [policyId]);
    expect(chunks.map((c) => c.heading)).toEqual(expect.arrayContaining(["Returns and refunds › Refund timing", "Returns and refunds › Exchanges"]));
    expect(chunks.every((c) => c.token_count > 0 && c.ts_config === "english")).toBe(true);
    const list = await call("GET", "/v1/knowledge/documents", { token: t.owner.token });
    expectStatus(list, 200);
    expect(list.body.data.map((d: { id: string }) => d.id)).toContain(policyId);
  });

  it("finds the right section in every mode, best first, with a snippet", async () => {
    for (const mode of ["keyword", "vector", "hybrid"]) {
      const res = await searchFor(t, "how long does a refund take", mode);
      expectStatus(res, 200);
      expect(res.body.results.length, `${mode}: ${res.text}`).toBeGreaterThan(0);
      const [top] = res.body.results;
      expect(top).toMatchObject({ document_id: policyId, title: "Returns policy", heading: "Returns and refunds › Refund timing" });
      expect(top.snippet).toMatch(/5 business days/);
      const scores = res.body.results.map((r: { score: number }) => r.score);
      expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    }
  });

  it("answers with a citation when confident, and says nothing it cannot cite", async () => {
    const res = await answerFor(t, "How long do refunds take?");
    expectStatus(res, 200);
    expect(res.body.confident).toBe(true);
    expect(res.body.answer).toMatch(/5 business days/);
    expect(res.body.answer).toMatch(/Source: Returns policy/);
    expect(res.body.citations[0]).toMatchObject({ document_id: policyId, title: "Returns policy" });
    expect(res.body.source).toBe("extractive");

    const none = await answerFor(t, "Do you sell gift cards for the cinema?");
    expectStatus(none, 200);
    expect(none.body).toMatchObject({ confident: false, answer: "" });
  });

  it("meters every query, logs it, and counts it on the documents it used", async () => {
    await answerFor(t, "Can I exchange for a different size?");
    const doc = await eventually(async () => {
      const res = await call("GET", `/v1/knowledge/documents/${policyId}`, { token: t.owner.token });
      const outbox = res.body.query_count > 0 ? [] : await ownerQuery("select consumer, count(*)::int from processed_events where tenant_id = $1 group by 1", [t.id]);
      expect(res.body.query_count, JSON.stringify(outbox)).toBeGreaterThan(0);
      return res.body;
    });
    expect(doc.last_queried_at).not.toBeNull();
    const logged = await ownerQuery("select kind, source, detected_language, answered from knowledge_queries where tenant_id = $1", [t.id]);
    expect(logged.some((q) => q.kind === "answer" && q.answered && q.source === "api")).toBe(true);
    expect(logged.some((q) => q.kind === "search")).toBe(true);
    await eventually(async () => {
      const [usage] = await ownerQuery("select coalesce(sum(quantity), 0)::int as n from usage_counters where tenant_id = $1 and meter = 'knowledge_queries'", [t.id]);
      expect(usage.n).toBe(logged.length);
    });
  });

  it("reports query analytics: volume, answer rate, unanswered questions and cited documents, for this workspace only", async () => {
    const a = await createTenant("Analytics");
    const doc = await addDocument(a, { title: "Returns policy", content: RETURNS_POLICY, format: "markdown" });
    await settled(a, doc.id);
    expectStatus(await answerFor(a, "How long do refunds take?"), 200);
    expectStatus(await answerFor(a, "How long do refunds take?"), 200);
    expect((await answerFor(a, "Do you sell gift cards for the cinema?")).body.confident).toBe(false);
    expectStatus(await searchFor(a, "exchange size"), 200);
    const res = await call("GET", "/v1/knowledge/analytics", { token: a.owner.token });
    expectStatus(res, 200);
    expect(res.body).toMatchObject({ queries: 4, searches: 1, answers: 3, answered: 2, answer_rate_pct: 66.7, no_results: 0 });
    expect(res.body.top_queries[0]).toMatchObject({ query: "how long do refunds take?", count: 2, answered: 2 });
    expect(res.body.unanswered).toEqual([expect.objectContaining({ query: "do you sell gift cards for the cinema?", count: 1, answered: 0 })]);
    expect(res.body.top_documents[0]).toMatchObject({ document_id: doc.id, title: "Returns policy" });
    expect(res.body.by_source).toEqual([{ source: "api", queries: 4, answered: 2 }]);
    expect(res.body.daily).toHaveLength(1);
    expect(res.body.latency_ms.p95).toBeGreaterThanOrEqual(0);
    // Filtered by source, and bad periods refused with the error body.
    expect((await call("GET", "/v1/knowledge/analytics?source=bot", { token: a.owner.token })).body.queries).toBe(0);
    expectError(await call("GET", "/v1/knowledge/analytics?from=2026-02-30T00:00:00Z", { token: a.owner.token }), 400, "VALIDATION_FAILED");
    expectError(await call("GET", "/v1/knowledge/analytics?source=fax", { token: a.owner.token }), 400, "VALIDATION_FAILED");
    // Another workspace sees none of it; an agent may not read analytics.
    const other = await call("GET", "/v1/knowledge/analytics", { token: foreign.owner.token });
    expect(other.body.top_queries.map((q: { query: string }) => q.query)).not.toContain("how long do refunds take?");
    expect(other.body.top_documents.map((d: { document_id: string }) => d.document_id)).not.toContain(doc.id);
    const agent = await a.createUser("agent");
    expectError(await call("GET", "/v1/knowledge/analytics", { token: agent.token }), 403, "FORBIDDEN");
    // A deleted document leaves the cited list.
    expectStatus(await call("DELETE", `/v1/knowledge/documents/${doc.id}`, { token: a.owner.token }), 204);
    expect((await call("GET", "/v1/knowledge/analytics", { token: a.owner.token })).body.top_documents).toEqual([]);
  });

  it("re-indexes an edit as a new version, and a deactivated document is not searched", async () => {
    const doc = await addDocument(t, { title: "Opening hours", content: "Our shop opens at 9 in the morning on weekdays.", format: "text" });
    await settled(t, doc.id);
    const patched = await call("PATCH", `/v1/knowledge/documents/${doc.id}`, { token: t.owner.token, body: { content: "Our shop opens at 10 in the morning on weekdays and closes at 6." } });
    expectStatus(patched, 200);
    expect(patched.body).toMatchObject({ version: 2, status: "processing" });
    await eventually(async () => {
      const res = await call("GET", `/v1/knowledge/documents/${doc.id}`, { token: t.owner.token });
      expect(res.body).toMatchObject({ status: "ready", version: 2 });
    });
    const found = await searchFor(t, "when does the shop open", "keyword");
    const snippets = found.body.results.filter((r: { document_id: string }) => r.document_id === doc.id).map((r: { snippet: string }) => r.snippet);
    expect(snippets).toEqual([expect.stringMatching(/opens at 10/)]); // one version, never both
    const [{ n }] = await ownerQuery("select count(*)::int as n from knowledge_chunks where document_id = $1", [doc.id]);
    expect(n).toBe(1);

    expectStatus(await call("PATCH", `/v1/knowledge/documents/${doc.id}`, { token: t.owner.token, body: { is_active: false } }), 200);
    for (const mode of ["keyword", "vector", "hybrid"]) {
      const res = await searchFor(t, "when does the shop open", mode);
      expect(res.body.results.map((r: { document_id: string }) => r.document_id)).not.toContain(doc.id);
    }
    expectStatus(await call("PATCH", `/v1/knowledge/documents/${doc.id}`, { token: t.owner.token, body: { is_active: true } }), 200);
    const back = await searchFor(t, "when does the shop open", "keyword");
    expect(back.body.results.map((r: { document_id: string }) => r.document_id)).toContain(doc.id);
  });

  it("uploads Markdown, HTML and PDF files; a corrupt PDF fails alone with the reason", async () => {
    const md = await upload(t, "shipping-faq.md", "text/markdown", "# Shipping\n\n## Countries\n\nWe ship parcels to Iceland and Norway by air freight.");
    expectStatus(md as never, 201);
    expect(md.body).toMatchObject({ title: "shipping faq", format: "markdown", status: "processing" });
    const html = await upload(t, "warranty.html", "text/html", "<html><body><h1>Warranty</h1><p>Every kettle carries a two year warranty against defects.</p><script>x()</script></body></html>");
    expectStatus(html as never, 201);
    const pdf = await upload(t, "care-guide.pdf", "application/pdf", buildPdf([["Care guide", "Wash the linen duvet cover at 40 degrees."], ["Drying", "Tumble dry the duvet on low heat."]]), { title: "Care guide" });
    expectStatus(pdf as never, 201);
    const broken = await upload(t, "broken.pdf", "application/pdf", "%PDF-1.4\nthis is not a real pdf at all");
    expectStatus(broken as never, 201);

    await settled(t, md.body.id);
    const htmlDoc = await settled(t, html.body.id);
    expect(htmlDoc.format).toBe("html");
    const pdfDoc = await settled(t, pdf.body.id);
    expect(pdfDoc).toMatchObject({ format: "pdf", original_filename: "care-guide.pdf", file_type: "application/pdf" });
    const failed = await settled(t, broken.body.id, "failed");
    expect(failed.failure_reason).toMatch(/PDF could not be read/);
    expect(failed.chunk_count).toBe(0);

    const linen = await searchFor(t, "linen duvet wash temperature");
    expect(linen.body.results[0]).toMatchObject({ document_id: pdf.body.id, title: "Care guide" });
    const kettle = await searchFor(t, "kettle warranty", "keyword");
    expect(kettle.body.results[0].document_id).toBe(html.body.id);
    expect(kettle.body.results[0].snippet).not.toMatch(/x\(\)/);
    const iceland = await searchFor(t, "do you ship to iceland");
    expect(iceland.body.results[0].document_id).toBe(md.body.id);
  });

  it("streams a raw upload into object storage, indexes it from there, and deletes the file with the document", async () => {
    const bucket = (env as unknown as { KNOWLEDGE_FILES: R2Bucket }).KNOWLEDGE_FILES;
    const pdfBytes = buildPdf([["Storage guide", "Keep the oak table away from radiators and direct sunlight."]]);
    const raw = (body: BodyInit, type: string, query = "") =>
      (exports as unknown as { default: Fetcher }).default.fetch(
        new Request(`https://parley.test/v1/knowledge/documents${query}`, { method: "POST", headers: { authorization: `Bearer ${t.owner.token}`, "content-type": type, "cf-connecting-ip": randomIp() }, body }),
      );
    const res = await raw(pdfBytes, "application/pdf", "?filename=..%2F..%2Foak-care.pdf&title=Oak%20care&category=care");
    expect(res.status, await res.clone().text()).toBe(201);
    const doc = (await res.json()) as { id: string };
    const ready = await settled(t, doc.id);
    expect(ready).toMatchObject({ title: "Oak care", format: "pdf", original_filename: "oak-care.pdf", category: "care", file_size_bytes: pdfBytes.length });
    const [file] = await ownerQuery("select storage_key, bytes is null as no_bytes from knowledge_files where document_id = $1", [doc.id]);
    expect(file).toEqual({ storage_key: `knowledge/${t.id}/${doc.id}/v1`, no_bytes: true });
    expect((await bucket.get(file.storage_key))?.size).toBe(pdfBytes.length);
    expect((await searchFor(t, "oak table radiators")).body.results[0]).toMatchObject({ document_id: doc.id });
    // The original comes back as it was given, streamed from storage; another workspace gets a 404.
    const download = await (exports as unknown as { default: Fetcher }).default.fetch(
      new Request(`https://parley.test/v1/knowledge/documents/${doc.id}/file`, { headers: { authorization: `Bearer ${t.owner.token}`, "cf-connecting-ip": randomIp() } }),
    );
    expect(download.status).toBe(200);
    expect(download.headers.get("content-type")).toBe("application/pdf");
    expect(download.headers.get("content-disposition")).toBe(`attachment; filename="oak-care.pdf"; filename*=UTF-8''oak-care.pdf`);
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(pdfBytes);
    expectError(await call("GET", `/v1/knowledge/documents/${doc.id}/file`, { token: foreign.owner.token }), 404, "NOT_FOUND");
    // A new title re-indexes the same stored file under the next version.
    expectStatus(await call("PATCH", `/v1/knowledge/documents/${doc.id}`, { token: t.owner.token, body: { title: "Caring for oak" } }), 200);
    await eventually(async () => expect((await settled(t, doc.id)).title).toBe("Caring for oak"));
    expect((await searchFor(t, "oak table radiators")).body.results[0]).toMatchObject({ document_id: doc.id, title: "Caring for oak" });
    // Raw Markdown is taken as the document's text.
    const md = await raw("# Parking\n\nGuests park free of charge behind the hotel.", "text/markdown; charset=utf-8");
    expect(md.status).toBe(201);
    const mdDoc = (await md.json()) as { id: string; format: string };
    expect(mdDoc.format).toBe("markdown");
    const text = await (exports as unknown as { default: Fetcher }).default.fetch(
      new Request(`https://parley.test/v1/knowledge/documents/${mdDoc.id}/file`, { headers: { authorization: `Bearer ${t.owner.token}`, "cf-connecting-ip": randomIp() } }),
    );
    expect(text.headers.get("content-type")).toBe("text/markdown; charset=utf-8");
    expect(await text.text()).toBe("# Parking\n\nGuests park free of charge behind the hotel.");
    // Deleting the document deletes its file.
    expectStatus(await call("DELETE", `/v1/knowledge/documents/${doc.id}`, { token: t.owner.token }), 204);
    await eventually(async () => expect(await bucket.get(file.storage_key)).toBeNull());
  });

  it("refuses a raw upload without a length, over the limit, or of a type it cannot read", async () => {
    const before = await ownerQuery("select count(*)::int as n from knowledge_documents where tenant_id = $1", [t.id]);
    const send = (init: RequestInit & { headers: Record<string, string> }) =>
      (exports as unknown as { default: Fetcher }).default.fetch(
        new Request("https://parley.test/v1/knowledge/documents", { method: "POST", ...init, headers: { authorization: `Bearer ${t.owner.token}`, "cf-connecting-ip": randomIp(), ...init.headers } }),
      );
    const stream = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode("%PDF-1.4 streamed"));
        c.close();
      },
    });
    const noLength = await send({ headers: { "content-type": "application/pdf" }, body: stream, duplex: "half" } as never);
    expect(noLength.status).toBe(400);
    expect(((await noLength.json()) as { error: { code: string } }).error.code).toBe("VALIDATION_FAILED");
    const big = await send({ headers: { "content-type": "application/pdf", "content-length": String(11 * 1024 * 1024) }, body: new Uint8Array(11 * 1024 * 1024) });
    expect(big.status).toBe(413);
    const chunked = await send({ headers: { "content-type": "text/plain", "transfer-encoding": "chunked" }, body: new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode("some text")); c.close(); } }), duplex: "half" } as never);
    expect(((await chunked.json()) as { error: { message: string } }).error.message).toMatch(/Content-Length/);
    const exe = await send({ headers: { "content-type": "application/x-msdownload" }, body: new Uint8Array([77, 90]) });
    expect(exe.status).toBe(415);
    expect(await ownerQuery("select count(*)::int as n from knowledge_documents where tenant_id = $1", [t.id])).toEqual(before);
  });

  it("refuses bad uploads and bad input with the error body and writes nothing", async () => {
    const before = await ownerQuery("select count(*)::int as n from knowledge_documents where tenant_id = $1", [t.id]);
    const exe = await upload(t, "tool.exe", "application/octet-stream", "MZ");
    expect(exe.status).toBe(415);
    expect(exe.body.error.code).toBe("UNSUPPORTED_MEDIA_TYPE");
    const binary = await upload(t, "notes.txt", "text/plain", new Uint8Array([0xff, 0xfe, 0x00, 0x01]));
    expect(binary.status).toBe(400);
    const big = await upload(t, "big.txt", "text/plain", "a".repeat(10 * 1024 * 1024 + 1));
    expect(big.status).toBe(413);
    expectError(await call("POST", "/v1/knowledge/documents", { token: t.owner.token, body: { content: "no title" } }), 400, "VALIDATION_FAILED");
    expectError(await call("POST", "/v1/knowledge/documents", { token: t.owner.token, body: { title: "x", content: "y", format: "docx" } }), 400, "VALIDATION_FAILED");
    expectError(await call("POST", "/v1/knowledge/search", { token: t.owner.token, body: { query: "" } }), 400, "VALIDATION_FAILED");
    expectError(await call("POST", "/v1/knowledge/search", { token: t.owner.token, body: { query: "x", mode: "fuzzy" } }), 400, "VALIDATION_FAILED");
    const after = await ownerQuery("select count(*)::int as n from knowledge_documents where tenant_id = $1", [t.id]);
    expect(after[0].n).toBe(before[0].n);
  });

  it("keeps KB articles' internal passages from customers", async () => {
    const article = await addDocument(t, {
      title: "Goodwill credit (internal)",
      content: "Agents may offer a goodwill voucher of 15 euros when a parcel is lost by the courier.",
      kind: "article",
      visibility: "internal",
      category: "playbooks",
      intent_keywords: ["lost parcel compensation"],
    });
    await settled(t, article.id);
    const res = await searchFor(t, "lost parcel goodwill voucher");
    expect(res.body.results[0].document_id).toBe(article.id); // agents find it
    const ch = await createApiChannel(t, { debounce_ms: 100 });
    expectStatus(await postSigned(ch, apiMessage({ from: { id: "cust-internal" }, text: "My parcel was lost by the courier, is there a goodwill voucher?" })), 200);
    const replies = await eventually(async () => {
      const rows = await ownerQuery("select text from messages where channel_id = $1 and sender_type = 'bot' order by sequence", [ch.id]);
      expect(rows.length).toBeGreaterThanOrEqual(2);
      return rows;
    });
    expect(replies.map((r) => r.text).join("\n")).not.toMatch(/15 euros|Goodwill credit/);
  });

  it("never shows another workspace's documents: 404 by id, nothing in search or answers", async () => {
    for (const [method, body] of [["GET", undefined], ["PATCH", { title: "mine now" }], ["DELETE", undefined]] as const) {
      expectError(await call(method, `/v1/knowledge/documents/${policyId}`, { token: foreign.owner.token, ...(body && { body }) }), 404, "NOT_FOUND");
    }
    for (const mode of ["keyword", "vector", "hybrid"]) {
      const res = await searchFor(foreign, "how long does a refund take", mode);
      expectStatus(res, 200);
      expect(res.body.results).toEqual([]);
    }
    const ans = await answerFor(foreign, "How long do refunds take?");
    expect(ans.body).toMatchObject({ confident: false, answer: "", citations: [] });
  });

  it("holds chunks, vectors and the query log to the workspace under forced RLS", async () => {
    const seen = await withSql("app", async (c) => {
      await c.query("begin");
      await c.query("select set_config('role', 'parley_app', true), set_config('app.tenant_id', $1, true)", [foreign.id]);
      const out = await c.query(
        "select (select count(*) from knowledge_documents)::int as docs, (select count(*) from knowledge_chunks)::int as chunks, (select count(*) from knowledge_vectors)::int as vectors, (select count(*) from knowledge_queries)::int as queries",
      );
      await c.query("rollback");
      return out.rows[0];
    });
    expect(seen).toMatchObject({ docs: 0, chunks: 0, vectors: 0 });
    const none = await withSql("app", async (c) => {
      await c.query("begin");
      await c.query("select set_config('role', 'parley_app', true)");
      const out = await c.query("select count(*)::int as n from knowledge_chunks");
      await c.query("rollback");
      return out.rows[0].n;
    });
    expect(none).toBe(0); // no tenant set: fail closed
    // Keyword search's index step (a definer function, migration 0019) answers only the session's own
    // workspace, and nothing with no workspace set.
    const matched = await withSql("app", async (c) => {
      const count = async (tenant: string | null) => {
        await c.query("begin");
        await c.query("select set_config('role', 'parley_app', true), set_config('app.tenant_id', $1, true)", [tenant ?? ""]);
        const out = await c.query("select count(*)::int as n from parley_knowledge_match(to_tsquery('english', 'refund'))");
        await c.query("rollback");
        return out.rows[0].n as number;
      };
      return { mine: await count(t.id), theirs: await count(foreign.id), unset: await count(null) };
    });
    expect(matched.mine).toBeGreaterThan(0);
    expect(matched).toMatchObject({ theirs: 0, unset: 0 });
    // The vector namespace is the workspace: the foreign tenant's namespace holds none of these vectors.
    const ns = await ownerQuery("select distinct tenant_id::text, namespace from knowledge_vectors where tenant_id = $1", [t.id]);
    expect(ns).toEqual([{ tenant_id: t.id, namespace: t.id }]);
  });

  it("drops a vector hit whose id is another workspace's chunk (defence in depth)", async () => {
    const other = await createTenant("Other");
    const secret = await addDocument(other, { title: "Other's secret", content: "The vault code for the back office is tangerine-42.", format: "text" });
    await settled(other, secret.id);
    const [chunk] = await ownerQuery("select id from knowledge_chunks where document_id = $1", [secret.id]);
    // Plant the foreign chunk's id in this workspace's own namespace, with the foreign vector itself:
    // the index now returns it as the best match for the question.
    await ownerQuery(
      `insert into knowledge_vectors (tenant_id, namespace, id, "values", metadata)
       select $1::uuid, $1::text, id, "values", metadata from knowledge_vectors where id = $2`,
      [t.id, chunk.id],
    );
    await ownerQuery("update knowledge_vector_generations set generation = generation + 1 where tenant_id = $1", [t.id]);
    const planted = await ownerQuery("select count(*)::int as n from knowledge_vectors where tenant_id = $1 and id = $2", [t.id, chunk.id]);
    expect(planted[0].n).toBe(1); // the fault is really in place
    for (const mode of ["vector", "hybrid"]) {
      const res = await searchFor(t, "vault code for the back office", mode);
      expectStatus(res, 200);
      expect(res.text).not.toMatch(/tangerine|Other's secret/);
      expect(res.body.results.map((r: { chunk_id: string }) => r.chunk_id)).not.toContain(chunk.id);
    }
    const ans = await answerFor(t, "What is the vault code for the back office?");
    expect(ans.text).not.toMatch(/tangerine/);
    await ownerQuery("delete from knowledge_vectors where tenant_id = $1 and id = $2", [t.id, chunk.id]);
  });
});

describe("the Knowledge page", () => {
  it("adds a document, finds it with highlighted terms, shows query analytics and downloads the text", async () => {
    const t = await createTenant("Page");
    const web = await WebClient.signIn(t.owner);
    expect((await web.get("/app/knowledge")).status).toBe(200);
    const added = await web.post("/app/knowledge", { title: "Opening hours", format: "markdown", content: "# Hours\n\n## Weekdays\n\nThe shop opens at nine and closes at six." });
    expect(added.status, added.text).toBe(303);
    const id = added.headers.get("location")!.split("/").pop()!;
    await settled(t, id);
    const detail = await web.get(`/app/knowledge/${id}`);
    expect(detail.text).toContain("Download the text");
    const file = await web.get(`/app/knowledge/${id}/file`);
    expect(file.status).toBe(200);
    expect(file.headers.get("content-disposition")).toMatch(/^attachment; filename="Opening hours\.md"/);
    const found = await web.get("/app/knowledge?q=when+does+the+shop+open&mode=hybrid");
    expect(found.text).toContain("<mark>shop</mark>");
    const page = await web.get("/app/knowledge");
    expect(page.text).toContain("Questions in the last 30 days");
    expect(page.text).toContain("when does the shop open");
    // Another workspace's document is a 404 on the page too.
    const other = await WebClient.signIn((await createTenant("Other page")).owner);
    expect((await other.get(`/app/knowledge/${id}/file`)).status).toBe(404);
  });
});

describe("the bot answers from knowledge", () => {
  it("answers a customer's question on a channel with the citation, and stops once the document is deleted", async () => {
    const t = await createTenant("Bot");
    const doc = await addDocument(t, { title: "Delivery times", content: "# Delivery\n\n## Standard delivery\n\nStandard delivery to the mainland takes 3 to 5 working days.", format: "markdown" });
    await settled(t, doc.id);
    const ch = await createApiChannel(t, { debounce_ms: 100 });
    expectStatus(await postSigned(ch, apiMessage({ from: { id: "cust-a" }, text: "How long does standard delivery take to the mainland?" })), 200);
    const answer = await eventually(async () => {
      const rows = await ownerQuery("select text from messages where channel_id = $1 and sender_type = 'bot' order by sequence", [ch.id]);
      const found = rows.find((r) => /working days/.test(r.text));
      expect(found, JSON.stringify(rows)).toBeDefined();
      return found!.text as string;
    });
    expect(answer).toMatch(/3 to 5 working days/);
    expect(answer).toMatch(/Source: Delivery times/);
    const [log] = await ownerQuery("select outcome, detail from flow_action_logs where tenant_id = $1 and node_type = 'knowledge_answer'", [t.id]);
    expect(log.outcome).toBe("answered");
    expect(log.detail.citations[0]).toMatchObject({ document_id: doc.id, title: "Delivery times" });
    const [q] = await ownerQuery("select id, source, conversation_id, answered from knowledge_queries where tenant_id = $1 and source = 'bot'", [t.id]);
    expect(q).toMatchObject({ answered: true });
    expect(q.conversation_id).not.toBeNull();
    // Written with the turn's commit, once, and published to its consumer (metering, document counts).
    await eventually(async () => {
      const events = await ownerQuery("select published_at from outbox_events where tenant_id = $1 and type = 'knowledge.query' and payload->>'query_id' = $2", [t.id, q.id]);
      expect(events).toHaveLength(1);
      expect(events[0].published_at).not.toBeNull();
    });

    expectStatus(await call("DELETE", `/v1/knowledge/documents/${doc.id}`, { token: t.owner.token }), 204);
    expectError(await call("GET", `/v1/knowledge/documents/${doc.id}`, { token: t.owner.token }), 404, "NOT_FOUND");
    const after = await answerFor(t, "How long does standard delivery take to the mainland?");
    expect(after.body).toMatchObject({ confident: false, citations: [] });
    for (const mode of ["keyword", "vector", "hybrid"]) expect((await searchFor(t, "standard delivery mainland", mode)).body.results).toEqual([]);
    // Its vectors leave the index through the queue.
    await eventually(async () => {
      const [{ n }] = await ownerQuery("select count(*)::int as n from knowledge_vectors where tenant_id = $1", [t.id]);
      expect(n).toBe(0);
    });
    expectStatus(await postSigned(ch, apiMessage({ from: { id: "cust-b" }, text: "How long does standard delivery take to the mainland?" })), 200);
    const second = await eventually(async () => {
      const rows = await ownerQuery(
        "select m.text from messages m join conversations c on c.id = m.conversation_id join contacts k on k.id = c.contact_id where m.channel_id = $1 and m.sender_type = 'bot' and k.external_ids::text like '%cust-b%' order by m.sequence",
        [ch.id],
      );
      expect(rows.length).toBeGreaterThanOrEqual(2);
      return rows;
    });
    expect(second.map((r) => r.text).join("\n")).not.toMatch(/working days|Source:/);
  });

  it("answers in the flow simulator from the workspace's knowledge, citing it, without logging or metering a query", async () => {
    const t = await createTenant("Simulated");
    const doc = await addDocument(t, { title: "Delivery times", content: "# Delivery\n\n## Standard delivery\n\nStandard delivery to the mainland takes 3 to 5 working days.", format: "markdown" });
    await settled(t, doc.id);
    const flow = await call("POST", "/v1/flows", {
      token: t.owner.token,
      body: { name: "Answers", definition: { start: "kb", nodes: { kb: { type: "knowledge_answer", next: "done", on_no_answer: "sorry" }, sorry: { type: "message", text: "I do not know.", next: "done" }, done: { type: "end" } } } },
    });
    expectStatus(flow, 201);
    const count = () => ownerQuery("select (select count(*)::int from knowledge_queries where tenant_id = $1) as queries, (select count(*)::int from outbox_events where tenant_id = $1 and type = 'knowledge.query') as events", [t.id]);
    const before = await count();
    const res = await call("POST", `/v1/flows/${flow.body.id}/simulate`, { token: t.owner.token, body: { messages: ["How long does standard delivery take to the mainland?", "Can I pay with seashells?"] } });
    expectStatus(res, 200);
    expect(res.body.turns[0].replies[0]).toMatch(/3 to 5 working days[\s\S]*Source: Delivery times/);
    const answered = res.body.steps.find((s: { type: string; message: number }) => s.type === "knowledge_answer" && s.message === 0);
    expect(answered).toMatchObject({ outcome: "answered", detail: { citations: [{ document_id: doc.id, title: "Delivery times" }] } });
    expect(res.body.turns[1].replies).toEqual(["I do not know."]);
    expect(await count()).toEqual(before);
    // Another workspace's simulator never answers from this one's documents.
    const other = await createTenant("Other simulated");
    const theirs = await call("POST", "/v1/flows", { token: other.owner.token, body: { name: "Answers", definition: { start: "kb", nodes: { kb: { type: "knowledge_answer", next: "done", on_no_answer: "sorry" }, sorry: { type: "message", text: "I do not know.", next: "done" }, done: { type: "end" } } } } });
    const foreign = await call("POST", `/v1/flows/${theirs.body.id}/simulate`, { token: other.owner.token, body: { messages: ["How long does standard delivery take to the mainland?"] } });
    expect(foreign.body.replies).toEqual(["I do not know."]);
  });

  it("answers in the customer's language when a document in it exists", async () => {
    const t = await createTenant("Bilingual");
    const en = await addDocument(t, { title: "Pets policy", content: "Dogs are welcome on the terrace of the restaurant, but not inside the dining room.", format: "text" });
    const es = await addDocument(t, { title: "Política de mascotas", content: "Los perros son bienvenidos en la terraza del restaurante, pero no dentro del comedor.", format: "text" });
    await settled(t, en.id);
    const esDoc = await settled(t, es.id);
    expect(esDoc.language).toBe("es");
    const res = await answerFor(t, "¿Se admiten perros en la terraza del restaurante?");
    expect(res.body).toMatchObject({ confident: true, language: "es" });
    expect(res.body.citations[0].document_id).toBe(es.id);
    expect(res.body.answer).toMatch(/Fuente: Política de mascotas/);
  });
});
