import { z } from "zod";

export const idParams = z.object({ id: z.uuid() });
export const pageParams = idParams.extend({ n: z.coerce.number().int().min(1) });
