#!/usr/bin/env node
// Shim: sets the production environment, maps NO_COLOR, then runs the compiled CLI.
process.env.NODE_ENV = 'production';
if (
  process.env.NO_COLOR !== undefined &&
  process.env.NO_COLOR !== '' &&
  process.env.FORCE_COLOR === undefined
) {
  process.env.FORCE_COLOR = '0';
}
await import('../dist/cli.js');
