// The shape of the results file the extension-host suite writes for the process that started it.

/** The environment variable naming the JSON file that run() writes its results to. */
export const RESULTS_FILE_ENV = 'SWITCHBOARD_TEST_RESULTS';

export interface TestOutcome {
  title: string;
  fullTitle: string;
  file?: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs?: number;
  error?: { message: string; stack?: string };
}

export interface SuiteResults {
  /** False when the suite could not run at all; `error` says why. */
  ran: boolean;
  vscodeVersion?: string;
  tests: TestOutcome[];
  stats: { passes: number; failures: number; pending: number };
  error?: string;
}
