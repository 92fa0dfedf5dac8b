/**
 * Routing entry points: who gets a conversation. Every verb runs inside the caller's transaction
 * (a flow run, an automation rule, a queue consumer or an API route), so an assignment commits or
 * rolls back with the change that caused it. Implementation in ./engine.ts.
 *
 * @example
 *   await routeConversation(tx, tenantId, conversationId, { teamId, reason: "sla breach", assignedBy: "automation" });
 *   await assignToAgent(tx, tenantId, conversationId, { agentId, assignedBy: "manual" }, by);
 *   await unassign(tx, tenantId, conversationId, { reason: "agent_offline" });
 */
export { assignToAgent, drainWaiting, routeConversation, unassign } from "./engine";
export type { AssignedBy, RouteOptions, RouteOutcome } from "./engine";
