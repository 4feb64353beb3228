/** The worker is shutting down: the job goes back to the queue and resumes after the last recorded page. */
export class Interrupted extends Error {
  override name = "Interrupted";
}
