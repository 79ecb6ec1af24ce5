/**
 * ink-testing-library with a chosen terminal size: its own stdout is fixed at 100 columns. Same idea:
 * fake streams, Ink in debug mode (every frame written whole), input written to stdin.
 */
import { EventEmitter } from 'node:events';
import { render as inkRender } from 'ink';
import type { ReactElement } from 'react';

class Stdout extends EventEmitter {
  frames: string[] = [];
  constructor(
    public columns: number,
    public rows: number,
  ) {
    super();
  }
  write = (frame: string) => {
    this.frames.push(frame);
    return true;
  };
  lastFrame = () => this.frames.at(-1);
}

class Stdin extends EventEmitter {
  isTTY = true;
  data: string | null = null;
  write = (data: string) => {
    this.data = data;
    this.emit('readable');
    this.emit('data', data);
  };
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
  read = () => {
    const { data } = this;
    this.data = null;
    return data;
  };
}

export function renderAt(tree: ReactElement, columns: number, rows: number) {
  const stdout = new Stdout(columns, rows);
  const stderr = new Stdout(columns, rows);
  const stdin = new Stdin();
  const instance = inkRender(tree, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stderr: stderr as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  return {
    stdin,
    stdout,
    lastFrame: () => stdout.lastFrame() ?? '',
    unmount: instance.unmount,
    rerender: instance.rerender,
  };
}

/** Lets React and Ink process pending input and effects. */
export const settle = (ms = 20) => new Promise((r) => setTimeout(r, ms));

/** Waits until the last frame satisfies `ok`, up to a bounded time; returns the frame. */
export async function until(lastFrame: () => string, ok: (f: string) => boolean, ms = 2000): Promise<string> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const f = lastFrame();
    if (ok(f)) return f;
    await settle(10);
  }
  return lastFrame();
}
