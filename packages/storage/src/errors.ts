export class ObjectNotFound extends Error {
  override readonly name = "ObjectNotFound";
  constructor(readonly key: string) {
    super(`Object not found: ${key}`);
  }
}

export class UnsafeKey extends Error {
  override readonly name = "UnsafeKey";
  constructor(readonly key: string) {
    super(`Unsafe storage key: ${JSON.stringify(key)}`);
  }
}
