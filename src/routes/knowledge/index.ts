import type { RouteModule } from "../route-module";
import * as analytics from "./analytics";
import * as answer from "./answer";
import * as documentCreate from "./documents-create";
import * as documentDelete from "./documents-delete";
import * as documentFile from "./documents-file";
import * as documentGet from "./documents-get";
import * as documentList from "./documents-list";
import * as documentUpdate from "./documents-update";
import * as search from "./search";

/** This area's API routes, registered by registerRoutes (src/routes/index.ts). */
export const routes: RouteModule[] = [documentCreate, documentList, documentGet, documentUpdate, documentDelete, documentFile, search, answer, analytics] as RouteModule[];
