import type { RouteModule } from "../route-module";
import * as teamCreate from "./create";
import * as teamDelete from "./delete";
import * as teamGet from "./get";
import * as teamList from "./list";
import * as noteCreate from "./note-create";
import * as noteList from "./note-list";
import * as notificationList from "./notification-list";
import * as notificationRead from "./notification-read";
import * as teamUpdate from "./update";

/** This area's API routes, registered by registerRoutes (src/routes/index.ts). */
export const routes: RouteModule[] = [teamCreate, teamList, teamGet, teamUpdate, teamDelete, noteCreate, noteList, notificationList, notificationRead] as RouteModule[];
