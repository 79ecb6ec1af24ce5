/**
 * The share box (`y`): the exact command line that reopens this moment — the scenario, `--at` the
 * cursor, the seed when it was overridden, and every enabled breakpoint as `--break` — plain text on a
 * line of its own, ready to select and copy. Bookmarks, the search and the lens are not on the command
 * line, so the box lists them as keys to press again.
 */
import type { Session } from '../../debug/types.js';
import type { UiState } from '../reducer.js';
import { sanitize } from '../sanitize.js';
import { wrap } from '../text.js';
import type { Theme } from '../theme.js';
import { Overlay } from './overlay.js';

/** A shell word: bare when it is safe, else single-quoted. */
export function shellWord(s: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** `netflow-tui hello --at 83 --break syscall:accept4`: the command that reopens this moment. */
export function shareCommand(
  session: Session,
  opts: { scenario: string; seed?: number; sets?: readonly string[] },
): string {
  const words = ['netflow-tui', opts.scenario, '--at', String(session.cursor)];
  for (const s of opts.sets ?? []) words.push('--set', s);
  if (opts.seed !== undefined) words.push('--seed', String(opts.seed));
  for (const b of session.breakpoints()) if (b.enabled) words.push('--break', b.spec);
  return words.map(shellWord).join(' ');
}

export interface ShareOverlayProps {
  session: Session;
  ui: UiState;
  scenario: string;
  seed?: number;
  /** The run's `--set` changes (a fork made the main run). */
  sets?: readonly string[];
  theme: Theme;
  columns: number;
  rows: number;
}

export function ShareOverlay({ session, ui, scenario, seed, sets, theme, columns, rows }: ShareOverlayProps) {
  const width = Math.min(columns - 2, 140);
  const cmd = sanitize(shareCommand(session, { scenario, seed, sets }));
  const lines = [
    theme.dim('This command reopens this moment (select it to copy):'),
    '',
    ...wrap(cmd, width - 4),
    '',
  ];
  const marks = Object.entries(ui.bookmarks).map(([k, v]) => `'${k} step ${v}`);
  if (marks.length) lines.push(theme.dim(`Not on the command line: bookmarks ${marks.join(', ')}`));
  if (ui.search) lines.push(theme.dim(`Not on the command line: the search /${sanitize(ui.search)}`));
  if (ui.lens !== null)
    lines.push(theme.dim(`Not on the command line: the request lens on conn ${ui.lens} (r)`));
  lines.push(theme.dim('Any key closes this box.'));
  return (
    <Overlay
      title="Share this moment"
      lines={lines}
      width={width}
      columns={columns}
      rows={rows}
      theme={theme}
    />
  );
}
