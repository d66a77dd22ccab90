declare namespace Cloudflare {
  interface Env {
    SUPABASE_JWT_SECRET: string;
    SESSION_TOKEN_SECRET: string;
    MCP_TOKEN_KEY: string;
    TEST_DATABASE_URL: string;
  }
}
