/** A reason npm start cannot go on, worded for the person who typed it: what is missing and what to do. */
export class LaunchError extends Error {
  override name = "LaunchError";
}
