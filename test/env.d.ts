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
    CREDENTIALS_KEYS: string;
    PROVIDER_DOUBLE_URL: string;
    CONVERSATION_THREAD: DurableObjectNamespace<import("../durable-objects/conversation-thread/conversation-thread").ConversationThread>;
    STRIPE_SECRET_KEY: string;
    STRIPE_WEBHOOK_SECRET: string;
    STRIPE_API_PORT: string;
    TENANT_QUOTA: DurableObjectNamespace<import("../durable-objects/tenant-quota/tenant-quota").TenantQuota>;
    RATE_LIMITER: DurableObjectNamespace<import("../durable-objects/rate-limiter/rate-limiter").RateLimiter>;
  }
}
