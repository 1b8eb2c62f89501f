import type { Reporter, TestModule } from 'vitest/node';

/**
 * Prints each failed test with its first error line, then `N passed, N failed, N skipped` alone on the last
 * line, which CI reads. The failures come last too, so a log cut to its tail still names them.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: readonly TestModule[], unhandledErrors: readonly unknown[]): void {
    let passed = 0;
    let skipped = 0;
    const failures: string[] = [];
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const result = test.result();
        if (result.state === 'passed') passed++;
        else if (result.state === 'failed') {
          failures.push(`[${module.project.name}] ${module.relativeModuleId} > ${test.fullName}: ${firstLine(result.errors[0]?.message)}`);
        } else skipped++;
      }
      // A file that failed to load has no tests; count it so the run cannot look green.
      if (module.state() === 'failed' && [...module.children.allTests()].length === 0) {
        failures.push(`[${module.project.name}] ${module.relativeModuleId}: ${firstLine(module.errors()[0]?.message)}`);
      }
    }
    for (const error of unhandledErrors) {
      failures.push(`unhandled error: ${firstLine(messageOf(error))}`);
    }
    const lines = failures.map((failure) => `FAILED ${failure}\n`).join('');
    process.stdout.write(`\n${lines}${passed} passed, ${failures.length} failed, ${skipped} skipped\n`);
  }
}

/** Vitest hands errors over serialised: plain objects with a message, not Error instances. */
function messageOf(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(error);
}

function firstLine(message: string | undefined): string {
  return (message ?? 'no message').split('\n', 1)[0]!.slice(0, 300);
}
