import { describe, expect, it } from "vitest";
import { twilioSmsForm, whatsappStatusJson, whatsappTextJson } from "./fixtures";
import {
  constantTimeEqual,
  parleySignature,
  twilioSignature,
  verifyMetaSignature,
  verifyParleySignature,
  verifyTelegramSecret,
  verifyTwilioSignature,
} from "./signatures";

const bytes = (text: string) => new TextEncoder().encode(text);

/** Independent HMAC-SHA256 so the Meta tests do not sign with the code under test. */
async function hexHmac(secret: string, body: Uint8Array): Promise<string> {
  const key = await crypto.subtle.importKey("raw", bytes(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new Uint8Array(body)));
  return Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("");
}

function tamper(body: Uint8Array, index = 10): Uint8Array {
  const copy = new Uint8Array(body);
  copy[index] = copy[index]! ^ 0x01;
  return copy;
}

describe("verifyMetaSignature", () => {
  const secret = "meta-app-secret";

  it.each([
    ["whatsapp-text.json", whatsappTextJson],
    ["whatsapp-status.json", whatsappStatusJson],
  ])("accepts a valid signature over the raw bytes of %s", async (_name, fixture) => {
    const body = bytes(fixture);
    const header = `sha256=${await hexHmac(secret, body)}`;
    expect(await verifyMetaSignature(body, header, secret)).toBe(true);
    expect(await verifyMetaSignature(new Uint8Array(body).buffer, header, secret)).toBe(true);
  });

  it("rejects a body with one byte changed, and a wrong secret", async () => {
    const body = bytes(whatsappTextJson);
    const header = `sha256=${await hexHmac(secret, body)}`;
    expect(await verifyMetaSignature(tamper(body), header, secret)).toBe(false);
    expect(await verifyMetaSignature(tamper(body, body.length - 1), header, secret)).toBe(false);
    expect(await verifyMetaSignature(body, header, "other-secret")).toBe(false);
  });

  it("rejects missing and malformed headers without throwing", async () => {
    const body = bytes(whatsappTextJson);
    const hex = await hexHmac(secret, body);
    for (const header of [undefined, null, "", "sha256=", hex, `sha1=${hex}`, `SHA256=${hex}`, `sha256=${hex.slice(0, -2)}`, `sha256=${hex}00`, `sha256=${hex.slice(0, -1)}`, `sha256=${hex.slice(0, -1)}g`, `sha256= ${hex}`]) {
      expect(await verifyMetaSignature(body, header, secret)).toBe(false);
    }
  });

  it("refuses to verify anything when the app secret is not configured", async () => {
    expect(await verifyMetaSignature(bytes("{}"), `sha256=${"0".repeat(64)}`, "")).toBe(false);
  });
});

describe("verifyTelegramSecret", () => {
  const secret = "Tg_secret-token_123";

  it("accepts the configured secret and nothing else", async () => {
    expect(await verifyTelegramSecret(secret, secret)).toBe(true);
    expect(await verifyTelegramSecret("Tg_secret-token_124", secret)).toBe(false);
    expect(await verifyTelegramSecret(`${secret}x`, secret)).toBe(false);
    expect(await verifyTelegramSecret(secret.slice(1), secret)).toBe(false);
  });

  it("rejects a missing header and an unconfigured secret", async () => {
    for (const header of [undefined, null, ""]) expect(await verifyTelegramSecret(header, secret)).toBe(false);
    expect(await verifyTelegramSecret("", "")).toBe(false);
    expect(await verifyTelegramSecret("anything", "")).toBe(false);
  });
});

describe("Twilio signatures", () => {
  // Twilio's documented example ("Validating signatures from Twilio").
  const token = "12345";
  const url = "https://mycompany.com/myapp.php?foo=1&bar=2";
  const params = { CallSid: "CA1234567890ABCDE", Caller: "+12349013030", Digits: "1234", From: "+12349013030", To: "+18005551212" };
  const documented = "0/KCTR6DLpKmkAf8muzZqo1nDgQ=";

  it("reproduces Twilio's documented test vector", async () => {
    expect(await twilioSignature(url, params, token)).toBe(documented);
    expect(await twilioSignature(url, new URLSearchParams(Object.entries(params).reverse()), token)).toBe(documented);
    expect(await verifyTwilioSignature(url, params, documented, token)).toBe(true);
  });

  it("rejects a changed parameter, URL or token", async () => {
    expect(await verifyTwilioSignature(url, { ...params, Digits: "1235" }, documented, token)).toBe(false);
    expect(await verifyTwilioSignature(url, { ...params, Extra: "" }, documented, token)).toBe(false);
    expect(await verifyTwilioSignature("https://mycompany.com/myapp.php?foo=1&bar=3", params, documented, token)).toBe(false);
    expect(await verifyTwilioSignature("https://evil.example/myapp.php?foo=1&bar=2", params, documented, token)).toBe(false);
    expect(await verifyTwilioSignature(url, params, documented, "12346")).toBe(false);
  });

  it("accepts the URL with or without the scheme's standard port, as Twilio's helper libraries do", async () => {
    const withPort = "https://mycompany.com:443/myapp.php?foo=1&bar=2";
    expect(await verifyTwilioSignature(withPort, params, documented, token)).toBe(true);
    const signedWithPort = await twilioSignature(withPort, params, token);
    expect(signedWithPort).not.toBe(documented);
    expect(await verifyTwilioSignature(url, params, signedWithPort, token)).toBe(true);
    expect(await verifyTwilioSignature("https://mycompany.com:8443/other.php?foo=1&bar=2", params, documented, token)).toBe(false);
  });

  it("sorts repeated parameter values and treats URLSearchParams and records alike", async () => {
    const repeated = new URLSearchParams([["b", "2"], ["a", "z"], ["a", "y"]]);
    const expected = await twilioSignature("https://x.test/h", { a: ["y", "z"], b: "2" }, token);
    expect(await twilioSignature("https://x.test/h", repeated, token)).toBe(expected);
    // Each value contributes name+value, values in order: the signed string is URL + "ay" + "az" + "b2".
    const key = await crypto.subtle.importKey("raw", bytes(token), { name: "HMAC", hash: "SHA-1" }, false, ["sign"]);
    const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, bytes("https://x.test/hayazb2")));
    expect(expected).toBe(btoa(String.fromCharCode(...mac)));
  });

  it("verifies the SMS fixture as form parameters and rejects it once tampered", async () => {
    const hook = "https://parley.example/webhooks/twilio/ch_123";
    const form = new URLSearchParams(twilioSmsForm.trim());
    const signature = await twilioSignature(hook, form, "twilio-auth-token");
    expect(await verifyTwilioSignature(hook, form, signature, "twilio-auth-token")).toBe(true);
    const tampered = new URLSearchParams(form);
    tampered.set("Body", "Hello there, is my order shipped!");
    expect(await verifyTwilioSignature(hook, tampered, signature, "twilio-auth-token")).toBe(false);
  });

  it("rejects missing and garbled headers without throwing", async () => {
    for (const header of [undefined, null, "", "not base64!", documented.slice(0, -4), `${documented}AAAA`, "0/KCTR6DLpKmkAf8muzZqo1nDgQ", "%%%%"]) {
      expect(await verifyTwilioSignature(url, params, header, token)).toBe(false);
    }
    expect(await verifyTwilioSignature("not a url", params, documented, token)).toBe(false);
    expect(await verifyTwilioSignature(url, params, documented, "")).toBe(false);
  });
});

describe("Parley API channel signatures", () => {
  it("computes HMAC-SHA256 per RFC 4231 test case 2", async () => {
    const mac = await parleySignature(bytes("what do ya want for nothing?"), "Jefe");
    expect(mac).toBe("sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  });

  it("round-trips, and rejects tampering and malformed headers", async () => {
    const body = bytes('{"external_id":"m1","from":{"id":"u1"},"text":"hi"}');
    const header = await parleySignature(body, "parley-secret");
    expect(await verifyParleySignature(body, header, "parley-secret")).toBe(true);
    expect(await verifyParleySignature(new Uint8Array(body).buffer, header, "parley-secret")).toBe(true);
    expect(await verifyParleySignature(tamper(body), header, "parley-secret")).toBe(false);
    expect(await verifyParleySignature(body, header, "other")).toBe(false);
    for (const bad of [undefined, "", header.slice(7), header.replace("sha256=", "sha512="), `${header}0`, header.replace(/.$/, "z")]) {
      expect(await verifyParleySignature(body, bad, "parley-secret")).toBe(false);
    }
  });

  it("will not sign with an empty secret", async () => {
    await expect(parleySignature(bytes("{}"), "")).rejects.toThrow(/secret/);
  });
});

describe("constantTimeEqual", () => {
  type Native = ((a: Uint8Array, b: Uint8Array) => boolean) | undefined;

  /** Shadows the runtime's crypto.subtle.timingSafeEqual (present in workerd, absent in Node) for one test. */
  function withNative(native: Native, run: () => void): void {
    const subtle = crypto.subtle;
    const own = Object.getOwnPropertyDescriptor(subtle, "timingSafeEqual");
    Object.defineProperty(subtle, "timingSafeEqual", { configurable: true, writable: true, value: native });
    try {
      run();
    } finally {
      if (own) Object.defineProperty(subtle, "timingSafeEqual", own);
      else Reflect.deleteProperty(subtle, "timingSafeEqual");
    }
  }

  it("compares with the XOR fallback when Web Crypto has no timingSafeEqual (Node)", () => {
    withNative(undefined, () => {
      expect(constantTimeEqual(bytes("abc"), bytes("abc"))).toBe(true);
      expect(constantTimeEqual(bytes("abc"), bytes("abd"))).toBe(false);
      expect(constantTimeEqual(bytes("abc"), bytes("bbc"))).toBe(false);
      expect(constantTimeEqual(bytes("abc"), bytes("abcd"))).toBe(false);
      expect(constantTimeEqual(new Uint8Array(0), new Uint8Array(0))).toBe(true);
    });
  });

  it("delegates to crypto.subtle.timingSafeEqual when the runtime provides it (workerd)", () => {
    const calls: number[] = [];
    withNative(
      (a, b) => {
        calls.push(a.byteLength);
        return a.every((v, i) => v === b[i]);
      },
      () => {
        expect(constantTimeEqual(bytes("same"), bytes("same"))).toBe(true);
        expect(constantTimeEqual(bytes("same"), bytes("diff"))).toBe(false);
        // Unequal lengths never reach the native call, which would throw on them.
        expect(constantTimeEqual(bytes("a"), bytes("ab"))).toBe(false);
      },
    );
    expect(calls).toEqual([4, 4]);
  });

  it("agrees with the runtime's own implementation on real digests", async () => {
    const a = await parleySignature(bytes("x"), "k");
    const b = await parleySignature(bytes("x"), "k");
    expect(constantTimeEqual(bytes(a), bytes(b))).toBe(true);
    expect(constantTimeEqual(bytes(a), bytes(a.replace(/.$/, a.endsWith("0") ? "1" : "0")))).toBe(false);
  });
});
