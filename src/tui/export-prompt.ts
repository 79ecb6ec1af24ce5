/**
 * The TUI's export prompt (`x`): `FORMAT [FILE] [N-M] [force]` — pcapng, pcap, perfetto, strace,
 * schedtrace or jsonl; the file (default `<scenario>.<format ending>` in the current directory); the
 * steps N to M (default: the whole run); `force` to overwrite an existing file. The export runs in the
 * background through export.ts `exportRun` (the same code as `netflow-tui export`), and `report` says
 * where it wrote, or what went wrong, on the message line. controller.ts parses on Enter; app.tsx
 * owns the report.
 */
import { existsSync } from 'node:fs';
import { EXTENSIONS, type ExportFormat, FORMATS } from '../export/formats.js';
import type { Scenario } from '../scenario/schema.js';

/** What the TUI knows to export: the scenario as the command line named it. */
export interface ExportTarget {
  scenarioPath: string;
  seed?: number;
  /** The scenario itself when it is not the file's (a fork made the main run: the file plus --set). */
  scenario?: Scenario;
}

export interface ExportRequest {
  format: ExportFormat;
  output?: string;
  from?: number;
  to?: number;
  force: boolean;
}

export type ParsedExport = { ok: true; req: ExportRequest } | { ok: false; error: string; column?: number };

/** Parses the prompt's text; `total` is the number of steps. */
export function parseExportPrompt(text: string, total: number): ParsedExport {
  const words = [...text.matchAll(/\S+/g)];
  if (words.length === 0) return { ok: false, error: `a format: ${FORMATS.join(', ')}` };
  const [first, ...rest] = words;
  const format = first[0] as ExportFormat;
  if (!FORMATS.includes(format))
    return { ok: false, error: `unknown format "${first[0]}": use one of ${FORMATS.join(', ')}`, column: 1 };
  const req: ExportRequest = { format, force: false };
  for (const w of rest) {
    const col = (w.index ?? 0) + 1;
    const range = /^(\d+)-(\d+)$/.exec(w[0]);
    if (w[0] === 'force') req.force = true;
    else if (range) {
      const [from, to] = [Number(range[1]), Number(range[2])];
      if (from > to || to > total - 1)
        return { ok: false, error: `steps ${w[0]}: give N-M with N ≤ M ≤ ${total - 1}`, column: col };
      req.from = from;
      req.to = to;
    } else if (w[0] === '-')
      return { ok: false, error: 'stdout is the screen here: give a file name', column: col };
    else if (req.output === undefined) req.output = w[0];
    else return { ok: false, error: `one file name only ("${w[0]}" is a second one)`, column: col };
  }
  return { ok: true, req };
}

/** The file a request writes: its own, or the default for the scenario. */
export function exportFileName(req: ExportRequest, scenarioName: string): string {
  return req.output ?? `${scenarioName}${EXTENSIONS[req.format]}`;
}

/**
 * Checks what can be checked at once (an existing file without `force`) and starts the export; the
 * result comes later through `report`. Returns an error for the prompt, or undefined once started.
 */
export function startExport(
  target: ExportTarget,
  scenarioName: string,
  req: ExportRequest,
  report: (text: string, tone: 'info' | 'error') => void,
): string | undefined {
  const file = exportFileName(req, scenarioName);
  if (existsSync(file) && !req.force) return `${file} already exists: add "force" to overwrite it`;
  void import('../export/export.js')
    .then(({ exportRun }) =>
      exportRun({
        scenarioPath: target.scenarioPath,
        scenario: target.scenario,
        seed: target.seed,
        ...req,
        output: file,
      }),
    )
    .then(
      (r) => report(`wrote ${r.path} (${r.format}, ${r.bytes} B)`, 'info'),
      (e: unknown) => report(`export failed: ${e instanceof Error ? e.message : String(e)}`, 'error'),
    );
  return undefined;
}
