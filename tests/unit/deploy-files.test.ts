import fs from "node:fs";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { launcherEnvSchema, parseEnv, webEnvSchema, workerEnvSchema } from "@pagewise/config";
import { defaultMigrationsDir } from "@pagewise/db";
import { parseDockerfile, type DockerInstruction } from "../support/dockerfile";

/**
 * No Docker engine or Heroku here: these checks read Dockerfile, heroku.yml, Procfile, app.json and
 * docker-compose.yml and hold them against package.json scripts, the config schemas and the repository tree.
 */
const root = path.resolve(__dirname, "../..");
const read = (file: string) => fs.readFileSync(path.join(root, file), "utf8");
const scripts = (JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts;
const schemaKeys = new Set([...Object.keys(webEnvSchema.shape), ...Object.keys(workerEnvSchema.shape), ...Object.keys(launcherEnvSchema.shape)]);
const parseBoth = (env: Record<string, string>) => {
  parseEnv(webEnvSchema, env);
  parseEnv(workerEnvSchema, env);
};

/** The npm script a process command runs: `npm run <name>`, or exactly the script's own command line. */
function scriptOf(command: string | string[]): string | undefined {
  const line = (Array.isArray(command) ? command.join(" ") : command).trim();
  const viaNpm = /^npm run ([\w:-]+)$/.exec(line);
  if (viaNpm) return scripts[viaNpm[1]] !== undefined ? viaNpm[1] : undefined;
  return Object.keys(scripts).find((name) => scripts[name] === line);
}

describe("Dockerfile", () => {
  const instructions = parseDockerfile(read("Dockerfile"));
  const stages = instructions.filter((i) => i.keyword === "FROM");
  const finalStage = stages.at(-1)!.stage;
  const inFinal = (keyword: string) => instructions.filter((i) => i.stage === finalStage && i.keyword === keyword);
  const stageNames = stages.map((s) => s.stage);

  it("is multi-stage: builds with dev dependencies, runs on node:20-bookworm-slim with production ones", () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const nodeImage = /^ARG NODE_IMAGE=(\S+)$/m.exec(read("Dockerfile"))?.[1];
    expect(stages.at(-1)!.args.replace("${NODE_IMAGE}", nodeImage ?? "")).toBe("node:20-bookworm-slim");
    const runs = instructions.filter((i) => i.keyword === "RUN").map((i) => i.args);
    expect(runs.some((r) => r.includes("npm run build"))).toBe(true);
    expect(runs.some((r) => /npm install --omit=dev --ignore-scripts/.test(r))).toBe(true);
    expect(runs.some((r) => /onnxruntime-node\/bin/.test(r) && /win32/.test(r) && /darwin/.test(r))).toBe(true);
    expect(instructions.some((i) => i.keyword === "ENV" && /ONNXRUNTIME_NODE_INSTALL=skip/.test(i.args))).toBe(true);
  });

  it("runs as a non-root user, honours $PORT and starts the compiled web process", () => {
    const user = inFinal("USER").at(-1)?.args;
    expect(user).toBeDefined();
    expect(["root", "0", "0:0"]).not.toContain(user);
    expect(inFinal("EXPOSE").length).toBe(1);
    expect(inFinal("ENV").some((i) => /\bPORT=\d+/.test(i.args))).toBe(true);
    // The benchmark runs the processes with the same malloc setting (apps/bench/src/main.ts).
    expect(inFinal("ENV").some((i) => /\bMALLOC_ARENA_MAX=2\b/.test(i.args))).toBe(true);
    const cmd = JSON.parse(inFinal("CMD").at(-1)!.args) as string[];
    expect(scriptOf(cmd)).toBe("start:web");
    expect(cmd.join(" ")).not.toMatch(/tsx|ts-node|\.ts\b/);
  });

  it("copies only paths that exist in the build context, or come from an earlier stage", () => {
    const ignored = read(".dockerignore").split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
    for (const copy of instructions.filter((i) => i.keyword === "COPY")) {
      const words = copy.args.split(/\s+/);
      const from = words.find((w) => w.startsWith("--from="))?.slice("--from=".length);
      const paths = words.filter((w) => !w.startsWith("--"));
      expect(paths.length).toBeGreaterThanOrEqual(2);
      if (from) {
        expect(stageNames.slice(0, stageNames.indexOf(copy.stage))).toContain(from);
        continue;
      }
      for (const source of paths.slice(0, -1)) {
        expect([source, fs.existsSync(path.join(root, source))]).toEqual([source, true]);
        expect(ignored).not.toContain(source);
      }
    }
  });

  it("puts every workspace's package.json and dist/ in the image, which holds every process entry point", () => {
    const text = read("Dockerfile");
    expect(text).toMatch(/COPY packages \.\/packages\nCOPY apps \.\/apps\nRUN find packages apps .*! -name package\.json/);
    expect(text).toMatch(/for dir in packages\/\* apps\/\*; do .*cp -a "\$dir\/dist"/);
    expect(text).toMatch(/COPY --from=build \/out \.\//);
    const workspaces = ["packages", "apps"].flatMap((d) => fs.readdirSync(path.join(root, d)).map((n) => `${d}/${n}`));
    for (const ws of workspaces) expect([ws, fs.existsSync(path.join(root, ws, "package.json"))]).toEqual([ws, true]);
    for (const name of ["start:web", "start:worker", "migrate"]) {
      const entry = /^node (?:--[\w-]+(?:=\S+)? )*(\S+\.js)$/.exec(scripts[name])![1];
      expect(entry).toMatch(/^(packages|apps)\/[\w-]+\/dist\//);
      expect([entry, fs.existsSync(path.join(root, entry))]).toEqual([entry, true]);
    }
    expect(fs.existsSync(path.join(root, "packages/db/dist/generated/prisma/client.js"))).toBe(true);
    expect(path.relative(root, defaultMigrationsDir)).toBe(path.join("prisma", "migrations"));
    expect(inFinalCopies(instructions, finalStage)).toContain("prisma");
  });
});

function inFinalCopies(instructions: DockerInstruction[], stage: string): string[] {
  return instructions
    .filter((i) => i.stage === stage && i.keyword === "COPY" && !i.args.includes("--from"))
    .flatMap((i) => i.args.split(/\s+/).slice(0, -1));
}

describe("heroku.yml and Procfile", () => {
  const manifest = parseYaml(read("heroku.yml")) as {
    build: { docker: Record<string, string> };
    release: { image: string; command: string[] };
    run: Record<string, string | { command: string[]; image?: string }>;
  };
  const procfile = Object.fromEntries(
    read("Procfile")
      .split("\n")
      .filter((l) => l.trim() && !l.startsWith("#"))
      .map((l) => [l.slice(0, l.indexOf(":")).trim(), l.slice(l.indexOf(":") + 1).trim()]),
  );

  it("builds the one Dockerfile and migrates in the release phase", () => {
    expect(manifest.build.docker).toEqual({ web: "Dockerfile" });
    expect(manifest.release).toEqual({ image: "web", command: ["npm run migrate"] });
    expect(procfile.release).toBe("npm run migrate");
  });

  it("runs web and worker with the commands of the start:web / start:worker scripts", () => {
    const command = (entry: string | { command: string[] }) => (typeof entry === "string" ? entry : entry.command);
    expect(scriptOf(command(manifest.run.web))).toBe("start:web");
    expect(scriptOf(command(manifest.run.worker))).toBe("start:worker");
    expect(manifest.run.worker).toMatchObject({ image: "web" });
    expect(Object.keys(procfile).sort()).toEqual(["release", "web", "worker"]);
    expect(scriptOf(procfile.web)).toBe("start:web");
    expect(scriptOf(procfile.worker)).toBe("start:worker");
  });
});

describe("app.json (Deploy to Heroku)", () => {
  const app = JSON.parse(read("app.json")) as {
    stack: string;
    formation: Record<string, { quantity: number; size: string }>;
    addons: { plan: string }[];
    env: Record<string, { description: string; value?: string; required?: boolean }>;
  };

  it("uses the container stack, runs web and worker, provisions Postgres and Redis", () => {
    expect(app.stack).toBe("container");
    expect(Object.keys(app.formation).sort()).toEqual(["web", "worker"]);
    const plans = app.addons.map((a) => a.plan.split(":")[0]);
    expect(plans).toEqual(expect.arrayContaining(["heroku-postgresql", "heroku-redis"]));
  });

  it("names only variables the config schemas know, each described, with values that parse", () => {
    for (const [name, spec] of Object.entries(app.env)) {
      expect([name, schemaKeys.has(name)]).toEqual([name, true]);
      expect(spec.description.length).toBeGreaterThan(10);
    }
    const values = Object.fromEntries(Object.entries(app.env).flatMap(([k, v]) => (v.value === undefined ? [] : [[k, v.value]])));
    expect(() => parseBoth(values)).not.toThrow();
    expect(values.REDIS_TLS_REJECT_UNAUTHORIZED).toBe("false");
    expect(values.DATABASE_SSL_REJECT_UNAUTHORIZED).toBe("false");
    for (const name of ["S3_BUCKET", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]) expect(app.env[name].required).toBe(true);
  });
});

describe("docker-compose.yml", () => {
  type Service = {
    image?: string;
    build?: unknown;
    command?: string | string[];
    environment?: Record<string, string>;
    ports?: string[];
    healthcheck?: { test: string[] };
    depends_on?: Record<string, { condition: string }>;
  };
  const compose = parseYaml(read("docker-compose.yml"), { merge: true }) as { services: Record<string, Service> };
  const s = compose.services;

  it("has the backing services with healthchecks, Redis set up for BullMQ", () => {
    expect(Object.keys(s)).toEqual(expect.arrayContaining(["postgres", "redis", "minio", "minio-setup", "migrate", "web", "worker"]));
    expect(s.postgres.image).toMatch(/^postgres:15/);
    expect(s.postgres.healthcheck!.test.join(" ")).toMatch(/pg_isready/);
    expect(s.redis.image).toMatch(/^redis:7/);
    expect(s.redis.command).toEqual(expect.arrayContaining(["--maxmemory-policy", "noeviction", "--appendonly", "yes"]));
    expect(s.redis.healthcheck!.test.join(" ")).toMatch(/redis-cli ping/);
    expect(String(s["minio-setup"].command)).toMatch(/mc mb .*local\/pagewise/);
  });

  it("runs migrate once, then web (port 3000, /readyz healthcheck) and worker, from the app image", () => {
    expect(scriptOf(s.migrate.command!)).toBe("migrate");
    expect(scriptOf(s.web.command!)).toBe("start:web");
    expect(scriptOf(s.worker.command!)).toBe("start:worker");
    for (const name of ["migrate", "web", "worker"]) expect(s[name].build).toBe(".");
    expect(s.web.ports).toContain("3000:3000");
    expect(s.web.environment!.PORT).toBe("3000");
    expect(s.web.healthcheck!.test.join(" ")).toMatch(/127\.0\.0\.1:3000\/readyz/);
    expect(s.migrate.depends_on).toEqual({ postgres: { condition: "service_healthy" } });
    for (const name of ["web", "worker"]) {
      expect(s[name].depends_on).toEqual({
        migrate: { condition: "service_completed_successfully" },
        "minio-setup": { condition: "service_completed_successfully" },
        redis: { condition: "service_healthy" },
      });
    }
  });

  it("configures the app with variables the schemas know, pointing at the compose services", () => {
    for (const name of ["migrate", "web", "worker"]) {
      const env = s[name].environment!;
      for (const key of Object.keys(env)) expect([key, schemaKeys.has(key)]).toEqual([key, true]);
      expect(() => parseBoth(env)).not.toThrow();
      expect(env).toMatchObject({ S3_ENDPOINT: "http://minio:9000", S3_FORCE_PATH_STYLE: "true", MIGRATE_ON_START: "false" });
      expect(new URL(env.DATABASE_URL).hostname).toBe("postgres");
      expect(new URL(env.REDIS_URL).hostname).toBe("redis");
    }
  });
});

describe(".env.example", () => {
  it("lists every variable of the config schemas", () => {
    const text = read(".env.example");
    for (const key of schemaKeys) expect([key, new RegExp(`^# ${key}=`, "m").test(text)]).toEqual([key, true]);
  });
});

describe("configuration table (docs/configuration.md)", () => {
  const text = read("docs/configuration.md");
  /** Variables the table documents that no schema reads: glibc's, read at process start. */
  const outsideSchemas = new Set(["MALLOC_ARENA_MAX"]);

  it("has a row for every variable of the config schemas", () => {
    for (const key of schemaKeys) expect([key, new RegExp(`^\\| \`${key}\` \\|`, "m").test(text)]).toEqual([key, true]);
  });

  it("has no row for a variable the schemas do not know", () => {
    const rows = [...text.matchAll(/^\| `([A-Z][A-Z0-9_]*)` \|/gm)].map((m) => m[1]);
    expect(rows.length).toBeGreaterThanOrEqual(schemaKeys.size);
    for (const key of rows) expect([key, schemaKeys.has(key) || outsideSchemas.has(key)]).toEqual([key, true]);
  });

  it("is linked from the README, which no longer repeats it", () => {
    const readme = read("README.md");
    expect(readme).toContain("(docs/configuration.md)");
    expect(readme).not.toMatch(/^\| `DATABASE_URL` \|/m);
  });
});
