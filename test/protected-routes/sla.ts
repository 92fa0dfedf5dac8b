import type { ProtectedRoute } from "../route-builders";

/** This area's protected routes for the common route tests (test/routes.security.test.ts). */
export const SLA_ROUTES: ProtectedRoute[] = [];
