import type { RouteModule } from "../route-module";
import * as policyCreate from "./policy-create";
import * as policyDelete from "./policy-delete";
import * as policyGet from "./policy-get";
import * as policyList from "./policy-list";
import * as policyUpdate from "./policy-update";
import * as reports from "./reports";
import * as ruleCreate from "./rule-create";
import * as ruleDelete from "./rule-delete";
import * as ruleGet from "./rule-get";
import * as ruleList from "./rule-list";
import * as ruleRuns from "./rule-runs";
import * as ruleUpdate from "./rule-update";

/** This area's API routes, registered by registerRoutes (src/routes/index.ts). */
export const routes: RouteModule[] = [policyCreate, policyList, policyGet, policyUpdate, policyDelete, ruleCreate, ruleList, ruleGet, ruleUpdate, ruleDelete, ruleRuns, reports];
