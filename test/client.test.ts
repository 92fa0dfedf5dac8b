// The typed client the project ships (src/client: openapi-fetch over types openapi-typescript generated
// from the served document), used as an integrator would: only a base URL, a fetch and a token.
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createParleyClient, type Schemas } from "../src/client";
import { randomIp, STRONG_PASSWORD, uniqueEmail } from "./harness";

const fetchWorker = (request: Request) => {
  request.headers.set("cf-connecting-ip", randomIp());
  return (exports as unknown as { default: Fetcher }).default.fetch(request);
};

describe("the typed client", () => {
  it("signs up, creates a contact and lists conversations, typed end to end", async () => {
    const anonymous = createParleyClient({ baseUrl: "https://parley.test", fetch: fetchWorker });
    const email = uniqueEmail("integrator");
    const signedUp = await anonymous.POST("/v1/auth/signup", { body: { email, password: STRONG_PASSWORD, organization: "Client Co" } });
    expect(signedUp.response.status, JSON.stringify(signedUp.error)).toBe(201);
    const auth = signedUp.data!;
    expect(auth.token_type).toBe("Bearer");
    expect(auth.role).toBe("owner");

    let token: string | undefined = auth.access_token;
    const parley = createParleyClient({ baseUrl: "https://parley.test", fetch: fetchWorker, token: () => token });

    const created = await parley.POST("/v1/contacts", { body: { name: "Robin Reader", email: uniqueEmail("robin"), tags: ["vip"] } });
    expect(created.response.status, JSON.stringify(created.error)).toBe(201);
    const contact: Schemas["Contact"] = created.data!;
    expect(contact).toMatchObject({ name: "Robin Reader", tags: ["vip"] });

    const fetched = await parley.GET("/v1/contacts/{id}", { params: { path: { id: contact.id } } });
    expect(fetched.data?.id).toBe(contact.id);

    const conversations = await parley.GET("/v1/conversations", { params: { query: { limit: 10 } } });
    expect(conversations.response.status).toBe(200);
    expect(conversations.data).toEqual({ data: [], next_cursor: null });

    // Failures come back as the contract's error body, typed.
    const missing = await parley.GET("/v1/contacts/{id}", { params: { path: { id: crypto.randomUUID() } } });
    expect(missing.response.status).toBe(404);
    expect(missing.error?.error.code).toBe("NOT_FOUND");

    // The token is read per call, so a refreshed one is picked up; none at all is a 401.
    token = undefined;
    const anon = await parley.GET("/v1/contacts");
    expect(anon.response.status).toBe(401);
    expect(anon.error?.error.code).toBe("UNAUTHORIZED");
  });
});
