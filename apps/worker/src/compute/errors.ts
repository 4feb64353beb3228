/** The compute child died or was killed while a request was in flight. Transient: the job is retried. */
export class ComputeCrashed extends Error {
  override name = "ComputeCrashed";
}

/** A request ran past its deadline; the child was killed. */
export class ComputeTimeout extends Error {
  override name = "ComputeTimeout";
}

/** The child was stopped on purpose (shutdown); the job goes back to the queue untouched. */
export class ComputeInterrupted extends Error {
  override name = "ComputeInterrupted";
}
