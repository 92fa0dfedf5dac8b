export * from "./tenancy";
export * from "./auth";
export * from "./contacts";
export * from "./events";
export * from "./channels";
export * from "./billing";
export * from "./tickets";
export * from "./flows";
