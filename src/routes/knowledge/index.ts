import type { RouteModule } from "../route-module";

/** This area's API routes, registered by registerRoutes (src/routes/index.ts). */
export const routes: RouteModule[] = [];
