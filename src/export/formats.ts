/**
 * The export formats and their file endings: shared by export.ts, the CLI and the TUI's export prompt
 * (which imports only this, so the TUI loads the exporters when an export starts, not at start-up).
 */
export const FORMATS = ['pcapng', 'pcap', 'perfetto', 'strace', 'schedtrace', 'jsonl'] as const;
export type ExportFormat = (typeof FORMATS)[number];

/** File name endings per format (the default output is `<scenario><ending>`). */
export const EXTENSIONS: Record<ExportFormat, string> = {
  pcapng: '.pcapng',
  pcap: '.pcap',
  perfetto: '.perfetto.json',
  strace: '.strace',
  schedtrace: '.schedtrace',
  jsonl: '.jsonl',
};
