import http, { type IncomingMessage, type Server, type ServerResponse, STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import type { Express } from "express";
import type { Logger } from "@pagewise/logger";
import { apiError } from "./api-errors";

/**
 * Timeouts that a real client never reaches and a slow-loris does (Node's defaults held a 1 byte/s upload for
 * 322 s, and would cut a real 100 MB upload slower than 2.7 Mbit/s at 300 s):
 * - headers: 20 s to send a request's headers (a client sends them in one packet);
 * - body rate: a request body must keep coming at `minBodyBytesPerSecond` on average over each `bodyRateWindowMs`
 *   (1 KB/s over 30 s: a 1 byte/s trickle is cut within 30 s; a phone on 2G sends 5-10 times that);
 * - request: 30 min for a whole request, a backstop: a 100 MB upload fits above 0.5 Mbit/s (Heroku's router cuts
 *   any request at 30 s anyway: large uploads go straight to S3 there);
 * - keep-alive: an idle connection is closed after 65 s, longer than the 60 s idle timeout of common load
 *   balancers (AWS ALB's default), so that they, not we, close it first (else a request can race the close: 502).
 * Streaming answers (SSE, long-polls, exports) are not limited: the timeouts bound receiving a request, not sending.
 */
export const SERVER_TIMEOUTS = {
  headersTimeoutMs: 20_000,
  requestTimeoutMs: 30 * 60_000,
  keepAliveTimeoutMs: 65_000,
  minBodyBytesPerSecond: 1024,
  bodyRateWindowMs: 30_000,
};
export type ServerTimeouts = typeof SERVER_TIMEOUTS;

const hasBody = (req: IncomingMessage) =>
  req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"] ?? 0) > 0;

/**
 * Cuts the connection of a request whose body arrives slower than the minimum rate (measured on the socket, so
 * the app's own reading is untouched). Stops when the body has arrived or the answer is sent.
 */
function watchBodyRate(req: IncomingMessage, res: ServerResponse, timeouts: ServerTimeouts, log: Logger): void {
  if (!hasBody(req)) return;
  const socket = req.socket;
  const minBytes = (timeouts.minBodyBytesPerSecond * timeouts.bodyRateWindowMs) / 1000;
  let before = socket.bytesRead;
  const timer = setInterval(() => {
    const received = socket.bytesRead - before;
    before = socket.bytesRead;
    if (received >= minBytes) return;
    stop();
    log.info({ method: req.method, url: req.url, bytesPerSecond: (received * 1000) / timeouts.bodyRateWindowMs }, "request body too slow; connection closed");
    socket.destroy();
  }, timeouts.bodyRateWindowMs);
  timer.unref();
  const stop = () => clearInterval(timer);
  req.once("end", stop);
  req.once("close", stop);
  res.once("finish", stop);
}

/**
 * What Node's HTTP parser refuses before the app sees a request (headers over 16 KB, headers too slow, a malformed
 * request line) is answered in the API's error shape too, instead of Node's empty 400/408/431.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable) return void socket.destroy();
  const http = clientErrorAnswer(error.code);
  const body = JSON.stringify({ error: { code: http.code, message: http.message } });
  socket.end(
    `HTTP/1.1 ${http.status} ${STATUS_CODES[http.status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

const clientErrorAnswer = (code: string | undefined) =>
  code === "HPE_HEADER_OVERFLOW"
    ? apiError("headers_too_large")
    : code === "ERR_HTTP_REQUEST_TIMEOUT"
      ? apiError("request_timeout")
      : apiError("bad_request", { reason: "the HTTP request could not be parsed" });

/** The HTTP server of the app, with the timeouts above (tests pass shorter ones). */
export function createHttpServer(app: Express, log: Logger, timeouts: ServerTimeouts = SERVER_TIMEOUTS): Server {
  const server = http.createServer(
    {
      headersTimeout: timeouts.headersTimeoutMs,
      requestTimeout: timeouts.requestTimeoutMs,
      keepAliveTimeout: timeouts.keepAliveTimeoutMs,
      // How often Node checks the two timeouts above (default 30 s): a tenth of the shorter one.
      connectionsCheckingInterval: Math.max(100, Math.min(timeouts.headersTimeoutMs, timeouts.requestTimeoutMs) / 10),
    },
    (req, res) => {
      watchBodyRate(req, res, timeouts, log);
      app(req, res);
    },
  );
  server.on("clientError", answerClientError);
  return server;
}

/**
 * Listens, and on SIGTERM/SIGINT stops accepting connections, lets in-flight requests finish (up to the
 * deadline), closes idle keep-alive sockets, runs `onClose` and exits.
 */
export function listenWithGracefulShutdown(
  app: Express,
  options: { port: number; host: string; log: Logger; shutdownTimeoutMs: number; onClose: () => Promise<void> },
): Server {
  const { log } = options;
  const server = createHttpServer(app, log);
  server.listen(options.port, options.host, () => {
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
