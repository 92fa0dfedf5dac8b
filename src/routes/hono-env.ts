import type { Env } from "../env";
import type { ServiceContext } from "../services/context";

export interface AppEnv {
  Bindings: Env;
  Variables: { ctx: ServiceContext };
}
