import { withTenant } from "../services/access.ts";
import type { ServiceContext } from "../services/context.ts";
import type { Annotations, Annotator } from "./port.ts";
import type { AiBinding } from "./workers-ai.ts";
import { loadUnderstandingConfig, selectAnnotator, type SelectDeps } from "./select.ts";

export interface UnderstandInput {
  text: string;
  language_hint?: string;
}

/**
 * The configured annotator for a workspace. Budget and cache stores and the `ai.call` usage hook are
 * injected by the caller that owns the tables (the annotation pipeline); without them a provider runs
 * uncached and unmetered, which only the offline default (no provider) does by design.
 */
export function annotatorFor(ctx: ServiceContext, tenantId: string, deps: Omit<SelectDeps, "tenantId" | "ai"> = {}): Annotator {
  // AI_* settings are optional vars and secrets outside the generated binding types.
  const config = loadUnderstandingConfig(ctx.env as unknown as Record<string, unknown>);
  return selectAnnotator(config, {
    tenantId,
    ai: (ctx.env as unknown as { AI?: AiBinding }).AI,
    onError: (reason, error) => ctx.log.warn("understanding provider fell back", { reason, error: String(error) }),
    ...deps,
  });
}

/**
 * `POST /v1/understand`: any member (or API key) of the workspace may annotate a text. The credential is
 * re-checked in a tenant transaction first; the annotation itself runs after it, outside any transaction,
 * because a provider call must never hold a database connection.
 */
export async function understandText({ ctx, input, deps }: { ctx: ServiceContext; input: UnderstandInput; deps?: Omit<SelectDeps, "tenantId" | "ai"> }): Promise<Annotations> {
  const tenantId = await withTenant(ctx, null, async (_tx, principal) => principal.tenant.id);
  return annotatorFor(ctx, tenantId, deps).understand(input.text, { languageHint: input.language_hint });
}
