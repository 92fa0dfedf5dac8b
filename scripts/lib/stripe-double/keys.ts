/**
 * Credentials the local Stripe double accepts. They only ever reach the double (tests, and
 * `npm run dev` without STRIPE_SECRET_KEY); real keys come from the environment or `wrangler secret`.
 */
export const STRIPE_TEST_KEYS = {
  secretKey: "sk_test_parley_local_double",
  webhookSecret: "whsec_parley_local_double",
} as const;
