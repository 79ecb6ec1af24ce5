/**
 * `npm run fidelity` (and CI, from .ci/run): the simulation checked against real Go 1.23 on this
 * machine. Installs Go from Debian (scripts/fidelity-go.sh) — when it cannot, says so loudly and
 * fails —, builds the seed server once, runs every case of scripts/fidelity-real.ts under strace,
 * and runs `netflow-tui compare --json` (the built CLI) on each log against the case's generated
 * loopback scenario. Prints matched/total per case and fails when a case or the whole falls under
 * the thresholds below.
 *
 *   npm run fidelity                 all cases
 *   npm run fidelity -- hello head   only these cases
 *   npm run fidelity -- --keep       keep the logs and scenarios (their directory is printed)
 *
 * Nothing is stored in the repository: logs and scenarios go to a temporary directory.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { buildSeedServer, CASES, caseScenario, freePort, GO, traceCase } from './fidelity-real.js';
import { MIN_CASE_PERCENT, MIN_OVERALL_PERCENT } from './fidelity-threshold.js';

const run = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function loud(msg: string): never {
  const bar = '!'.repeat(78);
  process.stderr.write(`\n${bar}\nfidelity: FAILED: ${msg}\n${bar}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const keep = args.includes('--keep');
  const only = args.filter((a) => !a.startsWith('--'));
  const cases = only.length ? CASES.filter((c) => only.includes(c.name)) : CASES;
  if (only.length && cases.length !== only.length)
    loud(`unknown case in ${only.join(' ')}; cases: ${CASES.map((c) => c.name).join(' ')}`);

  try {
    execFileSync('bash', [join(root, 'scripts/fidelity-go.sh')], { stdio: ['ignore', 'pipe', 'inherit'] });
  } catch {
    loud(`Go 1.23 is not installed and could not be installed (${GO}); the real-server check did not run`);
  }
  try {
    execFileSync('strace', ['-V'], { stdio: 'ignore' });
  } catch {
    loud('strace is not installed');
  }

  const dir = mkdtempSync(join(tmpdir(), 'netflow-fidelity-'));
  const port = await freePort();
  const t0 = Date.now();
  process.stdout.write(`fidelity: building the seed server with ${GO} (port ${port}) in ${dir}\n`);
  let binary: string;
  try {
    binary = await buildSeedServer(dir, port);
  } catch (e) {
    loud(`go build failed: ${(e as { stderr?: string }).stderr ?? String(e)}`);
  }
  const goVersion = execFileSync(GO, ['version']).toString().trim();
  process.stdout.write(`fidelity: ${goVersion}; built in ${((Date.now() - t0) / 1000).toFixed(1)} s\n\n`);

  const cli = join(root, 'bin/netflow-tui.js');
  let matched = 0;
  let total = 0;
  const failures: string[] = [];
  process.stdout.write(
    `${'case'.padEnd(17)}${'matched'.padStart(9)}  ${'%'.padStart(6)}  first divergence on the connection (else start-up)\n`,
  );
  for (const c of cases) {
    const scenarioFile = join(dir, `${c.name}.yaml`);
    writeFileSync(scenarioFile, JSON.stringify(caseScenario(c, port), null, 2));
    let result: {
      matched: number;
      total: number;
      percent: number;
      firstDivergence?: Divergence;
      segments: { name: string; matched: number; total: number; columns: Column[] }[];
    };
    try {
      const t = await traceCase(binary, c, port, dir);
      const { stdout } = await run(process.execPath, [cli, 'compare', t.log, scenarioFile, '--json'], {
        maxBuffer: 64 * 1024 * 1024,
      });
      result = JSON.parse(stdout);
    } catch (e) {
      failures.push(`${c.name}: ${(e as Error).message}`);
      process.stdout.write(`${c.name.padEnd(17)}   error: ${(e as Error).message}\n`);
      continue;
    }
    matched += result.matched;
    total += result.total;
    // Start-up diverges alike in every case; the case's own first divergence is in its connection.
    const conn = result.segments.find((s) => s.name === 'connection 1');
    const col = conn?.columns.find((k) => k.status !== 'match' && k.status !== 'reordered');
    const d: Divergence | undefined = col ? { segment: 'connection 1', ...col } : result.firstDivergence;
    const where = d
      ? `${d.segment}: ${d.status} ${d.real ? `real ${d.real.text}` : ''}${d.real && d.sim ? ' / ' : ''}${d.sim ? `sim #${d.sim.step} ${d.sim.text}` : ''}`
      : '—';
    process.stdout.write(
      `${c.name.padEnd(17)}${`${result.matched}/${result.total}`.padStart(9)}  ${result.percent.toFixed(1).padStart(6)}  ${where}\n`,
    );
    if (result.percent < MIN_CASE_PERCENT)
      failures.push(`${c.name}: ${result.percent.toFixed(1)} % < ${MIN_CASE_PERCENT} %`);
  }
  const overall = total === 0 ? 0 : (100 * matched) / total;
  process.stdout.write(
    `\nall cases: ${matched}/${total} non-bookkeeping syscalls matched (${overall.toFixed(1)} %); thresholds: ${MIN_OVERALL_PERCENT} % overall, ${MIN_CASE_PERCENT} % per case; ${((Date.now() - t0) / 1000).toFixed(0)} s\n`,
  );
  if (keep) process.stdout.write(`logs and scenarios kept in ${dir}\n`);
  else rmSync(dir, { recursive: true, force: true });
  if (overall < MIN_OVERALL_PERCENT)
    failures.push(`overall ${overall.toFixed(1)} % < ${MIN_OVERALL_PERCENT} %`);
  if (failures.length) loud(failures.join('; '));
  process.stdout.write('fidelity: ok\n');
}

interface Column {
  status: string;
  real?: { text: string };
  sim?: { step: number; text: string };
}

interface Divergence extends Column {
  segment: string;
}

await main();
