#!/usr/bin/env node
// Shim: sets the production environment, maps NO_COLOR, then runs the compiled CLI. CommonJS, as is
// dist/cli.js (./package.json, ../scripts/bundle.mjs): `--help` starts no ES module loader.
process.env.NODE_ENV = 'production';
if (
  process.env.NO_COLOR !== undefined &&
  process.env.NO_COLOR !== '' &&
  process.env.FORCE_COLOR === undefined
) {
  process.env.FORCE_COLOR = '0';
}
require('../dist/cli.js');
