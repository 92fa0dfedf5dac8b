/** The understanding engine's public surface: the port, its adapters, and the pure budget and cache rules. */
export * from "./port.ts";
export { offlineAnnotator, understandOffline } from "./offline/annotator.ts";
export { workersAiClient, type AiBinding } from "./workers-ai.ts";
export { openAiCompatibleClient } from "./openai-compatible.ts";
export { guardedAnnotator, type AiCallUsage, type GuardOptions } from "./guarded.ts";
export { selectAnnotator, loadUnderstandingConfig, understandingConfigSchema } from "./select.ts";
export * from "./budget.ts";
export * from "./cache.ts";
