import type { Role } from "../db/schema";

/** One table of who may do what. API keys carry a subset of these as scopes (never key or member admin). */
export const PERMISSIONS = {
  "contacts:read": ["owner", "admin", "supervisor", "agent", "viewer"],
  "contacts:write": ["owner", "admin", "supervisor", "agent"],
  "conversations:read": ["owner", "admin", "supervisor", "agent", "viewer"],
  "conversations:write": ["owner", "admin", "supervisor", "agent"],
  "channels:read": ["owner", "admin", "supervisor", "agent", "viewer"],
  "channels:write": ["owner", "admin"],
  "flows:read": ["owner", "admin", "supervisor", "agent", "viewer"],
  "flows:write": ["owner", "admin", "supervisor"],
  "members:read": ["owner", "admin", "supervisor", "agent", "viewer"],
  "members:write": ["owner", "admin"],
  "api_keys:manage": ["owner", "admin"],
  "audit:read": ["owner", "admin"],
  "billing:manage": ["owner", "billing_admin"],
  "tickets:read": ["owner", "admin", "supervisor", "agent", "viewer"],
  "tickets:write": ["owner", "admin", "supervisor", "agent"],
  "reservations:read": ["owner", "admin", "supervisor", "agent", "viewer"],
  "reservations:write": ["owner", "admin", "supervisor", "agent"],
  "knowledge:read": ["owner", "admin", "supervisor", "agent", "viewer"],
  "knowledge:write": ["owner", "admin", "supervisor"],
  "sla:read": ["owner", "admin", "supervisor", "agent", "viewer"],
  "sla:write": ["owner", "admin", "supervisor"],
  "automation:read": ["owner", "admin", "supervisor", "agent", "viewer"],
  "automation:write": ["owner", "admin", "supervisor"],
  "reports:read": ["owner", "admin", "supervisor"],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export const API_KEY_SCOPES = ["contacts:read", "contacts:write", "members:read", "audit:read"] as const satisfies readonly Permission[];
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export function roleAllows(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

/**
 * Roles an actor may hand out (and take away): only an owner makes owners or billing admins. An admin
 * granting billing_admin would hand themselves (or a friend) the workspace's money, a power their own
 * role does not have.
 */
export function canGrantRole(granter: Role, role: Role): boolean {
  if (role === "owner" || role === "billing_admin") return granter === "owner";
  return granter === "owner" || granter === "admin";
}
