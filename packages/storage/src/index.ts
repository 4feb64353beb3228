export type { ObjectStore, ObjectStoreOptions, ObjectStream, StoredObject } from "./object-store";
export { ObjectNotFound, UnsafeKey } from "./errors";
export { isSafeKey, isSafePrefix } from "./safe-key";
export { contentTypeFor } from "./content-type";
export {
  createObjectStore,
  DEFAULT_LOCAL_URL_BASE,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_SIGNED_URL_TTL_SECONDS,
} from "./create-object-store";
