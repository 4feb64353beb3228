import type { RequestHandler } from "express";
import helmet from "helmet";
import type { ObjectStore } from "@pagewise/storage";

/**
 * The origin the browser page reads results from and PUTs direct uploads to: S3's (or S3_PUBLIC_ENDPOINT's), taken
 * from a URL signed the way the API signs them; undefined for local storage, whose files are served by this app.
 */
async function storageOrigin(store: ObjectStore): Promise<string | undefined> {
  if (store.driver !== "s3") return undefined;
  try {
    return new URL(await store.url("documents/csp/origin.json")).origin;
  } catch {
    return undefined;
  }
}

/**
 * helmet's headers with a Content-Security-Policy the page (apps/ui, built by Vite: one module script and one
 * stylesheet from /assets, no inline script or style) satisfies: scripts and styles from this origin only, images
 * and fetches from this origin and the storage origin, no plugins, no framing (frame-ancestors 'none',
 * X-Frame-Options DENY), no referrer, nosniff. HSTS without includeSubDomains: Pagewise may share a domain it does
 * not own. `crossOrigin`: CORS_ORIGINS is set, so other origins may embed results (Cross-Origin-Resource-Policy).
 */
export function securityHeaders(store: ObjectStore, crossOrigin: boolean): RequestHandler {
  let headers: RequestHandler | undefined;
  const ready = storageOrigin(store).then((origin) => {
    const extra = origin ? [origin] : [];
    headers = helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", "data:", "blob:", ...extra],
          connectSrc: ["'self'", ...extra],
          fontSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
        },
      },
      frameguard: { action: "deny" },
      referrerPolicy: { policy: "no-referrer" },
      strictTransportSecurity: { maxAge: 180 * 24 * 3600, includeSubDomains: false },
      crossOriginResourcePolicy: { policy: crossOrigin ? "cross-origin" : "same-origin" },
    });
  });
  return (req, res, next) => {
    if (headers) return headers(req, res, next);
    ready.then(() => headers!(req, res, next), next);
  };
}

/**
 * bull-board's dashboard (behind basic auth) is not ours: it styles with inline attributes and Google Fonts. Its
 * pages get a policy that lets exactly that through; scripts stay same-origin.
 */
export const adminDashboardPolicy: RequestHandler = helmet.contentSecurityPolicy({
  useDefaults: false,
  directives: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'", "https://fonts.googleapis.com"],
    fontSrc: ["'self'", "https://fonts.gstatic.com"],
    imgSrc: ["'self'", "data:"],
    objectSrc: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  },
});
