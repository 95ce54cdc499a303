// The extension-host test entry, as @vscode/test-electron and the code-server harness load it: run() runs every
// bundled *.test.js beside this file with mocha inside the real extension host, prints a spec report, and writes
// the outcome of each test to the file named by $SWITCHBOARD_TEST_RESULTS for the outer runner.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import * as vscode from 'vscode';
import { RESULTS_FILE_ENV, type SuiteResults, type TestOutcome } from './results';

const { EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING } = Mocha.Runner.constants;

/** The spec reporter, also keeping every test's outcome (hooks that fail count as failed tests). */
class CollectingReporter extends Mocha.reporters.Spec {
  constructor(runner: Mocha.Runner, options: Mocha.MochaOptions) {
    super(runner, options);
    const outcomes = (options.reporterOptions as { outcomes: TestOutcome[] }).outcomes;
    const record = (test: Mocha.Runnable, state: TestOutcome['state'], error?: Error) => outcomes.push({
      title: test.title,
      fullTitle: test.fullTitle(),
      file: test.file,
      state,
      durationMs: test.duration,
      error: error && { message: error.message, stack: error.stack },
    });
    runner.on(EVENT_TEST_PASS, (test) => record(test, 'passed'));
    runner.on(EVENT_TEST_FAIL, (test, error) => record(test, 'failed', error));
    runner.on(EVENT_TEST_PENDING, (test) => record(test, 'pending'));
  }
}

function findTestFiles(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.test.js'))
    .sort()
    .map((file) => path.join(dir, file));
}

function writeResults(results: SuiteResults): void {
  const file = process.env[RESULTS_FILE_ENV];
  if (!file) return;
  // Written whole, then renamed: the outer runner never reads half a file.
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(results, null, 2));
  fs.renameSync(`${file}.tmp`, file);
}

export async function run(): Promise<void> {
  const outcomes: TestOutcome[] = [];
  const count = (state: TestOutcome['state']) => outcomes.filter((o) => o.state === state).length;
  const summary = (): SuiteResults => ({
    ran: true,
    vscodeVersion: vscode.version,
    tests: outcomes,
    stats: { passes: count('passed'), failures: count('failed'), pending: count('pending') },
  });
  let failures: number;
  try {
    const mocha = new Mocha({
      ui: 'bdd', color: false, timeout: 20_000, reporter: CollectingReporter, reporterOptions: { outcomes },
    });
    for (const file of findTestFiles(__dirname)) mocha.addFile(file);
    await mocha.loadFilesAsync();
    failures = await new Promise<number>((resolve) => mocha.run(resolve));
  } catch (error) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    writeResults({ ...summary(), ran: false, error: message });
    throw error;
  }
  writeResults(summary());
  if (failures > 0) throw new Error(`${failures} extension-host test(s) failed`);
}
