/**
 * A modal box drawn over the panes, centred: the help, a prompt, the breakpoint list. Every line is
 * padded with spaces to the box's inner width (and the left margin is a space in the text, not Ink
 * padding, which would not paint) so nothing of the pane underneath shows through.
 */
import { Box, Text } from 'ink';
import { topBorder } from '../panes/frame.js';
import { padStyled } from '../text.js';
import type { Theme } from '../theme.js';

export interface OverlayProps {
  title: string;
  /** Styled content lines; the box grows to fit them, up to the screen. */
  lines: string[];
  /** Outer width. */
  width: number;
  /** Screen size the box is centred in. */
  columns: number;
  rows: number;
  theme: Theme;
}

/** Content lines that fit in an overlay on a screen `rows` tall. */
export function overlayCapacity(rows: number): number {
  return Math.max(1, rows - 4);
}

export function Overlay({ title, lines, width, columns, rows, theme }: OverlayProps) {
  const w = Math.min(width, columns);
  const shown = lines.slice(0, overlayCapacity(rows));
  const h = shown.length + 2;
  const x = Math.max(0, Math.floor((columns - w) / 2));
  const y = Math.max(0, Math.floor((rows - 1 - h) / 2));
  return (
    <Box position="absolute" marginLeft={x} marginTop={y} flexDirection="column" width={w} height={h}>
      <Text wrap="truncate-end">{theme.frame(topBorder(title, w, true), true)}</Text>
      <Box
        flexDirection="column"
        width={w}
        height={h - 1}
        borderStyle="double"
        borderTop={false}
        borderColor={theme.border(true)}
      >
        {shown.map((line, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: positional rows
          <Text key={i} wrap="truncate-end">
            {padStyled(` ${line}`, w - 2)}
          </Text>
        ))}
      </Box>
    </Box>
  );
}
