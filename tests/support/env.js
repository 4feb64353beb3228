// Test defaults: a database of its own, quiet logs, no AWS SDK Node-version banner.
process.env.DATABASE_URL ??= "postgresql://postgres@127.0.0.1:5432/pagewise_test";
process.env.REDIS_URL ??= "redis://127.0.0.1:6379";
process.env.LOG_LEVEL ??= "silent";
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
