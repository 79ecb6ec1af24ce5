/**
 * Bundles src/cli.ts the way scripts/build.mjs builds dist/ (scripts/bundle.mjs), into a test's
 * private folder, so that another test run rebuilding dist/ at the same time cannot pull the program
 * away mid-run. Used by the tests that run the CLI as a user does (cli-authoring, tui-e2e, fuzz).
 */
import { bundleCli } from '../scripts/bundle.mjs';

/** Builds `<outdir>/cli.js` (and its chunks); with `metafile`, returns esbuild's metafile. */
export async function buildCli(outdir: string, opts: { metafile?: boolean } = {}) {
  return bundleCli(outdir, { metafile: opts.metafile === true });
}
