import type { Server } from "node:http";
import type { Express } from "express";
import type { Logger } from "@pagewise/logger";

/**
 * Listens, and on SIGTERM/SIGINT stops accepting connections, lets in-flight requests finish (up to the
 * deadline), closes idle keep-alive sockets, runs `onClose` and exits.
 */
export function listenWithGracefulShutdown(
  app: Express,
  options: { port: number; host: string; log: Logger; shutdownTimeoutMs: number; onClose: () => Promise<void> },
): Server {
  const { log } = options;
  const server = app.listen(options.port, options.host, () => {
    const address = server.address();
    log.info({ port: typeof address === "object" && address ? address.port : options.port }, "web listening");
  });
  server.on("error", (error) => {
    log.fatal({ err: error }, "web server failed");
    process.exit(1);
  });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "web shutting down");
    const deadline = setTimeout(() => {
      log.warn("shutdown deadline reached; closing remaining connections");
      server.closeAllConnections();
    }, options.shutdownTimeoutMs);
    deadline.unref();
    server.close(async () => {
      clearTimeout(deadline);
      try {
        await options.onClose();
      } catch (error) {
        log.error({ err: error }, "error while closing");
      }
      log.info("web stopped");
      process.exit(0);
    });
    server.closeIdleConnections();
  };
  // `on`, not `once`: Heroku signals every process in the dyno and npm (or the cluster primary) forwards the
  // signal again; a second SIGTERM must not kill the process while it drains.
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  return server;
}
