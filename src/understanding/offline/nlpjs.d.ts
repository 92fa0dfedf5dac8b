// @nlpjs ships CommonJS without type declarations; sentiment.ts narrows what it uses at the call sites.
declare module "@nlpjs/*";
