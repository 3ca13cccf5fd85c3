// Skipping a test that cannot run here, saying why: the reason goes to the test's report and
// into its meta, where .ci/run finds it and prints it in CI's log.
import type { TestContext } from 'vitest';

declare module 'vitest' {
  interface TaskMeta {
    /** Why the test was skipped (.ci/run lists it). */
    skip_reason?: string;
  }
}

export function skip_because(ctx: TestContext, reason: string): never {
  ctx.task.meta.skip_reason = reason;
  return ctx.skip(reason);
}
