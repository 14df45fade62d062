// The repository's root folder, found from wherever this code runs (from tools/ under tsx, or
// bundled into out/test/...): the nearest folder up whose package.json is this extension's.
import * as fs from 'node:fs';
import * as path from 'node:path';

export function repoRoot(from = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, 'utf8')).name === 'fal-playground') {
      return dir;
    }
    if (path.dirname(dir) === dir) throw new Error(`no fal-playground package.json above ${from}`);
  }
}
