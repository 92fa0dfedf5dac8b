import type { Role } from "../db/schema";

/** One table of who may do what. API keys carry a subset of these as scopes (never key or member admin). */
export const PERMISSIONS = {
  "contacts:read": ["owner", "admin", "supervisor", "agent", "viewer"],
  "contacts:write": ["owner", "admin", "supervisor", "agent"],
  "conversations:read": ["owner", "admin", "supervisor", "agent", "viewer"],
  "conversations:write": ["owner", "admin", "supervisor", "agent"],
  "channels:read": ["owner", "admin", "supervisor", "agent", "viewer"],
  "channels:write": ["owner", "admin"],
  "members:read": ["owner", "admin", "supervisor", "agent", "viewer"],
  "members:write": ["owner", "admin"],
  "api_keys:manage": ["owner", "admin"],
  "audit:read": ["owner", "admin"],
  "billing:manage": ["owner", "billing_admin"],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export const API_KEY_SCOPES = ["contacts:read", "contacts:write", "members:read", "audit:read"] as const satisfies readonly Permission[];
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export function roleAllows(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

/** Roles an actor may hand out: only an owner makes owners. */
export function canGrantRole(granter: Role, role: Role): boolean {
  if (role === "owner") return granter === "owner";
  return granter === "owner" || granter === "admin";
}
