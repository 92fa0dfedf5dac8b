import type { Entity } from "../port.ts";

/**
 * Entities a support agent acts on: order and transaction ids, emails, phones, amounts with currency, dates.
 * Rules, not a model: each pattern is anchored on a label word ("order", "pedido", "Bestellung"...) or a
 * shape that is hard to mistake (an email, a currency sign), so a random number is not reported as an id.
 */

const ORDER_WORDS = "order|orden|pedido|encomenda|commande|bestellung|bestellnummer|auftrag|ordine|bestelling|siparis|sipariş|zamowienie|zamówienie|zamówienia|zamowienia";
const TX_WORDS =
  "transaction|txn|tx|transacci[oó]n|transa[cç][aã]o|transaktion|transazione|transactie|i[sş]lem|transakcja|transakcji|payment|pago|pagamento|paiement|zahlung|betaling|[oö]deme|p[lł]atno[sś][cć]|ref(?:erence)?|referencia|r[eé]f[eé]rence|referenz|riferimento|referentie";
const ID = "#?\\s?(?:n[ºo°.]?\\s?|nr\\.?\\s?|no\\.?\\s?|number\\s|n[uú]mero\\s|num[eé]ro\\s|nummer\\s|numero\\s)?([A-Z0-9][A-Z0-9-]{3,24})";

const ORDER_RE = new RegExp(`(?:${ORDER_WORDS})\\s*(?:id\\s*)?[:\\s]\\s*${ID}`, "giu");
const TX_RE = new RegExp(`(?:${TX_WORDS})\\s*(?:id\\s*)?[:\\s]\\s*${ID}`, "giu");
/** Ids written the way payment systems print them, with no label word in front. */
const TX_SHAPE_RE = /\b((?:TXN?|TRX|PAY|PI|CH)[-_]?[A-Z0-9]{5,24})\b/g;
const HASH_ID_RE = /(?<![\w&])#([A-Z0-9][A-Z0-9-]{3,20})\b/gi;
const EMAIL_RE = /[A-Z0-9._%+-]+@[A-Z0-9.-]+\.[A-Z]{2,}/gi;
const PHONE_RE = /(?<![\w+])(\+?\d[\d\s().-]{7,17}\d)(?![\w])/g;

const CURRENCY_SIGNS: Record<string, string> = { "€": "EUR", "$": "USD", "£": "GBP", "R$": "BRL", "zł": "PLN", "₺": "TRY", "¥": "JPY", "CHF": "CHF" };
const CURRENCY_WORDS: Record<string, string> = {
  eur: "EUR", euro: "EUR", euros: "EUR", usd: "USD", dollar: "USD", dollars: "USD", dolares: "USD", dólares: "USD", gbp: "GBP", pounds: "GBP",
  brl: "BRL", reais: "BRL", real: "BRL", mxn: "MXN", pesos: "MXN", ars: "ARS", cop: "COP", pln: "PLN", "zł": "PLN", zl: "PLN", zloty: "PLN", "złotych": "PLN",
  try: "TRY", tl: "TRY", lira: "TRY", chf: "CHF", franken: "CHF", sek: "SEK", nok: "NOK", dkk: "DKK",
};
const NUMBER = "\\d{1,3}(?:[.,\\s]\\d{3})*(?:[.,]\\d{1,2})?|\\d+(?:[.,]\\d{1,2})?";
const SIGN = "R\\$|€|\\$|£|₺|¥";
const WORD = Object.keys(CURRENCY_WORDS).sort((a, b) => b.length - a.length).join("|");
const AMOUNT_BEFORE_RE = new RegExp(`(${SIGN}|\\b(?:${WORD})\\b)\\s?(${NUMBER})`, "giu");
const AMOUNT_AFTER_RE = new RegExp(`(?<![\\w.,])(${NUMBER})\\s?(${SIGN}|(?:${WORD})(?![\\p{L}]))`, "giu");

const MONTHS =
  "jan(?:uary|uar)?|feb(?:ruary|ruar)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:tember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|" +
  "enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre|" +
  "janeiro|fevereiro|mar[cç]o|maio|junho|julho|setembro|outubro|novembro|dezembro|" +
  "janvier|f[eé]vrier|mars|avril|mai|juin|juillet|ao[uû]t|septembre|octobre|novembre|d[eé]cembre|" +
  "januar|februar|m[aä]rz|juni|juli|oktober|dezember|" +
  "gennaio|febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|dicembre|" +
  "januari|februari|maart|mei|augustus|" +
  "ocak|[sş]ubat|mart|nisan|may[iı]s|haziran|temmuz|a[gğ]ustos|eyl[uü]l|ekim|kas[iı]m|aral[iı]k|" +
  "stycznia|lutego|marca|kwietnia|maja|czerwca|lipca|sierpnia|wrze[sś]nia|pa[zź]dziernika|listopada|grudnia";
const DATE_RES = [
  /\b(\d{4}-\d{2}-\d{2})\b/g,
  /\b(\d{1,2}[/.]\d{1,2}[/.](?:\d{4}|\d{2}))\b/g,
  new RegExp(`\\b(\\d{1,2}\\.?\\s(?:de\\s)?(?:${MONTHS})(?:\\s(?:de\\s)?\\d{4})?)(?![\\p{L}])`, "giu"),
  new RegExp(`\\b((?:${MONTHS})\\s\\d{1,2}(?:st|nd|rd|th)?(?:,?\\s\\d{4})?)(?![\\p{L}\\d])`, "giu"),
];

function amountValue(num: string, currency: string): string {
  const compact = num.replace(/\s/g, "");
  // "1.234,56" and "1,234.56": the last separator followed by one or two digits is the decimal point.
  const m = compact.match(/^(.*?)(?:[.,](\d{1,2}))?$/)!;
  const whole = (m[1] ?? compact).replace(/[.,]/g, "");
  return `${m[2] ? `${whole}.${m[2].padEnd(2, "0")}` : whole} ${currency}`;
}

function currencyOf(token: string): string | undefined {
  return CURRENCY_SIGNS[token] ?? CURRENCY_WORDS[token.toLowerCase()];
}

export function extractEntities(text: string): Entity[] {
  // Every entity but an email contains a digit: most chat messages skip all the patterns below.
  if (!/\d/.test(text) && !text.includes("@")) return [];
  const found: Entity[] = [];
  const seen = new Set<string>();
  /** Character ranges already claimed, so an order number is not also a phone or an amount. */
  const claimed: Array<[number, number]> = [];
  const overlaps = (start: number, end: number) => claimed.some(([s, e]) => start < e && end > s);
  const add = (type: Entity["type"], value: string, start: number, end: number) => {
    if (overlaps(start, end)) return;
    claimed.push([start, end]);
    const key = `${type}:${value}`;
    if (seen.has(key)) return;
    seen.add(key);
    found.push({ type, value });
  };
  for (const m of text.matchAll(EMAIL_RE)) add("email", m[0], m.index, m.index + m[0].length);
  const idRuns: Array<[RegExp, Entity["type"]]> = [[ORDER_RE, "order_id"], [TX_RE, "transaction_id"], [TX_SHAPE_RE, "transaction_id"]];
  for (const [re, type] of idRuns) {
    for (const m of text.matchAll(re)) {
      const id = m[1]!;
      if (!/\d/.test(id)) continue; // "order status", "payment page": a word, not an id
      const start = m.index + m[0].lastIndexOf(id);
      add(type, id.toUpperCase(), start, start + id.length);
    }
  }
  for (const m of text.matchAll(HASH_ID_RE)) if (/\d/.test(m[1]!)) add("order_id", m[1]!.toUpperCase(), m.index, m.index + m[0].length);
  for (const re of DATE_RES) for (const m of text.matchAll(re)) add("date", m[1]!, m.index, m.index + m[0].length);
  for (const m of text.matchAll(AMOUNT_BEFORE_RE)) {
    const cur = currencyOf(m[1]!);
    if (cur) add("amount", amountValue(m[2]!, cur), m.index, m.index + m[0].length);
  }
  for (const m of text.matchAll(AMOUNT_AFTER_RE)) {
    const cur = currencyOf(m[2]!);
    if (cur) add("amount", amountValue(m[1]!, cur), m.index, m.index + m[0].length);
  }
  for (const m of text.matchAll(PHONE_RE)) {
    const digits = m[1]!.replace(/\D/g, "");
    if (digits.length >= 9 && digits.length <= 15) add("phone", m[1]!.trim(), m.index, m.index + m[0].length);
  }
  return found;
}
