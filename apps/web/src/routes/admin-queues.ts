import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { ExpressAdapter } from "@bull-board/express";
import { Router } from "express";
import type { Queue } from "bullmq";
import { requireBasicAuth } from "../security/basic-auth";
import { adminDashboardPolicy } from "../security/headers";

export const ADMIN_QUEUES_PATH = "/admin/queues";

/**
 * bull-board's queue dashboard behind HTTP basic auth. The caller mounts it at ADMIN_QUEUES_PATH only when both
 * ADMIN_USER and ADMIN_PASSWORD are set; otherwise the path is a plain 404 (never an open dashboard).
 */
export function adminQueuesRouter(queues: Queue[], admin: { user: string; password: string }): Router {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(ADMIN_QUEUES_PATH);
  createBullBoard({
    queues: queues.map((q) => new BullMQAdapter(q)),
    serverAdapter,
    options: { uiConfig: { boardTitle: "Pagewise queues" } },
  });
  const router = Router();
  router.use(requireBasicAuth(admin.user, admin.password, "pagewise admin"), adminDashboardPolicy);
  router.use(serverAdapter.getRouter() as Router);
  return router;
}
