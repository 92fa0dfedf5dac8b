declare namespace Cloudflare {
  interface Env {
    ENVIRONMENT: string;
    DATABASE_URL: string;
    OWNER_DATABASE_URL: string;
    DB_WS_PROXY: string;
    JWT_SIGNING_KEYS: string;
    JWT_ISSUER: string;
    JWT_AUDIENCE: string;
    PUBLIC_URL: string;
    DB_KIND: "embedded" | "server";
    RATE_LIMITER: DurableObjectNamespace<import("../durable-objects/rate-limiter/rate-limiter").RateLimiter>;
  }
}
