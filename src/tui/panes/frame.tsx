/**
 * The frame every pane is drawn in, all of it hand-drawn as one `Text`: a top border carrying the
 * pane's number and title, each content line (cut and padded to the pane's width here) between the
 * side borders, and the bottom border, so Ink has one node per pane to walk. The focused pane has a
 * double border (visible without colour), the others a single one.
 */
import { Box, Text } from 'ink';
import { cutStyled, padStyled } from '../text.js';
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

/** The whole frame as text lines: top border, each content line between side borders, bottom border. */
export function frameLines({ title, width, height, focused, lines, info, theme }: PaneFrameProps): string[] {
  const [v, h, bl, br] = focused ? ['║', '═', '╚', '╝'] : ['│', '─', '└', '┘'];
  const iw = innerWidth(width);
  const side = theme.frame(v, focused);
  const out = [theme.frame(topBorder(title, width, focused, info), focused)];
  const rows = innerHeight(height);
  for (let i = 0; i < rows; i++) out.push(`${side} ${padStyled(cutStyled(lines[i] ?? '', iw), iw)}${side}`);
  if (height >= 2) out.push(theme.frame(`${bl}${h.repeat(Math.max(0, width - 2))}${br}`, focused));
  return out;
}

export function PaneFrame(props: PaneFrameProps) {
  // Every border is drawn here, as text: with an Ink border box, a focus change altered only
  // `borderStyle`, Ink re-applied a top border, and the pane got a blank first row and its last row
  // drawn over the bottom border until the next resize. One Text per pane is also the cheapest frame.
  return (
    <Box width={props.width} height={props.height} flexShrink={0}>
      <Text>{frameLines(props).join('\n')}</Text>
    </Box>
  );
}
