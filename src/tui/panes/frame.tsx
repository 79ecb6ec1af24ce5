/**
 * The frame every pane is drawn in: a hand-drawn top border carrying the pane's number and title,
 * then a box with the other three borders around one `Text` holding every content line (each cut to
 * the pane's width here, so Ink has one node per pane to walk). The focused pane has
 * a double border (visible without colour), the others a single one.
 */
import { Box, Text } from 'ink';
import { cutStyled } from '../text.js';
import type { Theme } from '../theme.js';

export interface PaneFrameProps {
  /** Shown in the top border, e.g. `1 NIC eth0`. */
  title: string;
  /** Outer width and height in cells, borders included. */
  width: number;
  height: number;
  focused: boolean;
  /** Content lines (already styled), at most `height - 2` of them. */
  lines: string[];
  /** Right-aligned in the top border, e.g. a scroll position. */
  info?: string;
  theme: Theme;
}

/** Content columns inside a frame `width` wide (borders and one column of left padding). */
export function innerWidth(width: number): number {
  return Math.max(0, width - 3);
}

/** Content lines inside a frame `height` tall. */
export function innerHeight(height: number): number {
  return Math.max(0, height - 2);
}

/** The top border line: `┌─ title ───── info ─┐`, exactly `width` cells. */
export function topBorder(title: string, width: number, focused: boolean, info = ''): string {
  const [l, h, r] = focused ? ['╔', '═', '╗'] : ['┌', '─', '┐'];
  const room = width - 2;
  let t = ` ${title} `;
  const i = info ? ` ${info} ` : '';
  if (t.length + i.length + 2 > room) t = ` ${title.slice(0, Math.max(0, room - i.length - 5))}… `;
  const fill = Math.max(0, room - 1 - t.length - i.length - 1);
  return `${l}${h}${t}${h.repeat(fill)}${i}${h}${r}`.slice(0, Math.max(0, width));
}

export function PaneFrame({ title, width, height, focused, lines, info, theme }: PaneFrameProps) {
  return (
    <Box flexDirection="column" width={width} height={height} flexShrink={0}>
      <Text wrap="truncate-end">{theme.frame(topBorder(title, width, focused, info), focused)}</Text>
      <Box
        flexDirection="column"
        width={width}
        height={height - 1}
        borderStyle={focused ? 'double' : 'single'}
        borderTop={false}
        borderColor={theme.border(focused)}
        paddingLeft={1}
      >
        {/* One Text for the whole pane: lines are cut to the pane's width here, so
            Ink needs no clipping (its per-line slicing is most of a frame's cost). */}
        <Text>{lines.map((line) => cutStyled(line, innerWidth(width))).join('\n')}</Text>
      </Box>
    </Box>
  );
}
