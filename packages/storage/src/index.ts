export type { ObjectStore } from "./object-store";
export { ObjectNotFound, UnsafeKey } from "./errors";
export { isSafeKey, isSafePrefix } from "./safe-key";
export {
  createObjectStore,
  
  
  
} from "./create-object-store";
