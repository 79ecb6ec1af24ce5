/**
 * Helpers for the export tests: a private output folder, `exportRun` into it, and the real tools
 * (tshark, tcpdump). A tool that is missing fails the test loudly in CI (`.ci/run` installs both from
 * Debian); on a developer machine without them the tests that need them are skipped with the reason
 * printed once.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ExportOptions, exportRun } from '../src/export/export.js';

export const OUT = mkdtempSync(join(tmpdir(), 'netflow-export-'));

/** Exports a built-in scenario to a file in OUT (overwriting); resolves to its path. */
export async function exportTo(
  scenario: string,
  format: ExportOptions['format'],
  extra: Partial<ExportOptions> = {},
): Promise<string> {
  const path = join(OUT, `${scenario}-${format}-${extra.from ?? ''}-${extra.to ?? ''}-${extra.conn ?? ''}`);
  await exportRun({ scenarioPath: scenario, format, output: path, force: true, ...extra });
  return path;
}

export function hasTool(name: string): boolean {
  return spawnSync(name, ['--version'], { encoding: 'utf8' }).status === 0;
}

/**
 * Whether tests needing `tool` should run: true when it is installed; in CI a missing tool throws (the
 * suite fails rather than passing without the check); elsewhere false, with the reason printed.
 */
export function needTool(tool: string): boolean {
  if (hasTool(tool)) return true;
  if (process.env.CI)
    throw new Error(`${tool} is not installed: .ci/run installs it (apt-get install -y ${tool})`);
  console.warn(`skipping the ${tool} tests: ${tool} is not installed (apt-get install -y ${tool})`);
  return false;
}

/** Runs a tool; its stdout, and fails with its stderr when it exits non-zero. */
export function tool(name: string, args: string[]): string {
  const r = spawnSync(name, args, { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${name} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}
