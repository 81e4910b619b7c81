/**
 * Resolves once `check()` holds, looking again every few milliseconds: for a state that has no event
 * to wait on (a count the server keeps). No deadline of its own: the test's timeout ends a wait for
 * something that never comes, and a loaded machine only makes it later.
 */
export async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 5));
}
