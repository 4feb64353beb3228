import type { RedisClient } from "@pagewise/queue";
import type { SweepCursor } from "./orphan-sweep";

/** Folders the orphan sweep looks at per area and housekeeping run (a few S3 list requests). */
export const ORPHAN_SWEEP_BATCH = 5000;

/** The sweep's position per area in Redis, shared by every worker (whichever runs housekeeping goes on). */
export function redisSweepCursor(redis: RedisClient, prefix: string): SweepCursor {
  const key = (area: string) => `${prefix}:housekeeping:orphan-sweep:${area}`;
  return {
    get: async (area) => (await redis.get(key(area))) ?? undefined,
    set: async (area, after) => {
      if (after === undefined) await redis.del(key(area));
      else await redis.set(key(area), after);
    },
  };
}
