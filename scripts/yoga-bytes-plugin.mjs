// An esbuild plugin for the bundles (scripts/bundle.mjs, bench/run.mjs): yoga-layout, Ink's layout
// engine, carries its WebAssembly as a base64 `data:` URL and turns it into bytes with `atob` and a
// loop of charCodeAt over ~72 KB, when Ink loads (3–9 ms of every TUI start, measured on this box);
// here the same bytes come from Buffer.from(…, 'base64') (~0.2 ms). The edit must match the installed
// package exactly once, or the build fails: a new version is then looked at again, not silently left.
import { readFileSync } from 'node:fs';

const FILE = /[\\/]node_modules[\\/]yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/;
const FROM =
  'var b=xa(a.slice(37)),c=new Uint8Array(b.length);for(a=0;a<b.length;++a)c[a]=b.charCodeAt(a);var d=c';
// `a` is the data: URL; 37 is the length of its "data:application/octet-stream;base64," prefix.
const TO = "var d=new Uint8Array(Buffer.from(a.slice(37),'base64'))";

export const yogaBytes = {
  name: 'yoga-bytes',
  setup(build) {
    build.onLoad({ filter: FILE }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (text.split(FROM).length !== 2)
        throw new Error(`yoga-bytes: ${args.path} changed; look at it again`);
      return { contents: text.replace(FROM, TO), loader: 'js' };
    });
  },
};
