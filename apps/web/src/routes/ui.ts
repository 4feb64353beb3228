import fs from "node:fs";
import path from "node:path";
import express, { Router } from "express";

/** Where `npm run build -w @pagewise/ui` writes the page (from apps/web/src or apps/web/dist alike). */
export const defaultUiDir = path.resolve(__dirname, "../../../ui/dist");

/**
 * The browser page at `/`: the Vite build's index.html (never cached, so a deploy shows at once) and its
 * hashed assets (cached for a year). Without a build, `/` explains how to make one.
 */
export function uiRouter(uiDir: string): Router {
  const router = Router();
  const index = path.join(uiDir, "index.html");
  if (!fs.existsSync(index)) {
    router.get("/", (_req, res) => {
      res.status(404).type("text/plain").send("The web page is not built. Run `npm run build` (it builds apps/ui).\n");
    });
    return router;
  }
  router.use(
    "/assets",
    express.static(path.join(uiDir, "assets"), { immutable: true, maxAge: "365d", index: false, fallthrough: true }),
  );
  router.get(["/", "/index.html"], (_req, res) => {
    res.setHeader("Cache-Control", "no-cache");
    res.sendFile(index);
  });
  router.use(express.static(uiDir, { index: false, maxAge: "1h" }));
  return router;
}
