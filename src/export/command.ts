/**
 * `netflow-tui export <scenario>`: the CLI side of exportRun (export.ts). Parses nothing itself
 * (commander did); turns an ExportError into one line on stderr and exit 2, and says where it wrote.
 */
import { printable } from '../scenario/load.js';
import { ExportError, type ExportFormat, type ExportOptions, exportRun } from './export.js';

/** What commander parses: the export options under their flag names. */
export type ExportFlags = Pick<
  ExportOptions,
  'format' | 'output' | 'force' | 'from' | 'to' | 'conn' | 'seed'
> & {
  interval?: number;
  detail?: boolean;
};

/** How to open each format, for the closing message. */
const OPEN_WITH: Record<ExportFormat, (f: string) => string> = {
  pcapng: (f) => `open it with: wireshark ${f}   or: tshark -r ${f}`,
  pcap: (f) => `open it with: tcpdump -nr ${f}   or: wireshark ${f}`,
  perfetto: () => 'open it at https://ui.perfetto.dev → Open trace file',
  strace: (f) => `read it with: less ${f}   (or compare it with a real strace -f -tt -T log)`,
  schedtrace: (f) => `read it with: less ${f}`,
  jsonl: (f) => `read it with: jq . ${f}`,
};

export async function exportCommand(scenarioPath: string, flags: ExportFlags): Promise<number> {
  try {
    const r = await exportRun({
      scenarioPath,
      format: flags.format,
      output: flags.output,
      force: flags.force === true,
      from: flags.from,
      to: flags.to,
      conn: flags.conn,
      seed: flags.seed,
      schedtraceMs: flags.interval,
      scheddetail: flags.detail,
    });
    if (r.path !== '-')
      process.stderr.write(
        `wrote ${printable(r.path)} (${r.format}, ${r.bytes} B); ${OPEN_WITH[r.format](printable(r.path))}\n`,
      );
    return 0;
  } catch (e) {
    if (e instanceof ExportError) {
      process.stderr.write(`netflow-tui export: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
