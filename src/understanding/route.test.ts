import { describe, expect, it } from "vitest";
import { call, createTenant, expectError, expectStatus } from "../../test/harness";
import { AnnotationsSchema } from "./port";

describe("POST /v1/understand", () => {
  it("returns the offline annotations of a text to any member, viewers included", async () => {
    const t = await createTenant();
    const viewer = await t.createUser("viewer");
    const res = await call("POST", "/v1/understand", { token: viewer.token, body: { text: "Me cobraron dos veces el pedido #88123, quiero mi dinero" } });
    expectStatus(res, 200);
    expect(AnnotationsSchema.safeParse(res.body).success).toBe(true);
    expect(res.body).toMatchObject({
      language: "es",
      intent: "transaction_system_failure",
      priority: "P1",
      source: "local",
      entities: [{ type: "order_id", value: "88123" }],
    });
  });

  it("uses the language hint when the text is too short to tell", async () => {
    const t = await createTenant();
    const res = await call("POST", "/v1/understand", { token: t.owner.token, body: { text: "ok", language_hint: "pt-BR" } });
    expectStatus(res, 200);
    expect(res.body).toMatchObject({ language: "pt", intent: "noise_low_intent", priority: "P3" });
  });

  it.each([
    [{}, "text"],
    [{ text: "" }, "text"],
    [{ text: 42 }, "text"],
    [{ text: "x".repeat(4001) }, "text"],
    [{ text: "hola", language_hint: "Spanish" }, "language_hint"],
  ])("rejects %j naming %s", async (body, field) => {
    const t = await createTenant();
    const res = await call("POST", "/v1/understand", { token: t.owner.token, body });
    expectError(res, 400, "VALIDATION_FAILED");
    expect(res.body.error.field).toBe(field);
  });

  it("refuses a call without credentials", async () => {
    expectError(await call("POST", "/v1/understand", { body: { text: "hola" } }), 401, "UNAUTHORIZED");
  });
});
