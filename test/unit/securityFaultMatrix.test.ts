// SECURITY.md's "Fault matrix" names, for each fault, the test covering it (`file`: title): every one
// must exist, so the table cannot point at a test that was renamed or removed.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../../tools/vscode-host/repoRoot';

interface Row {
  readonly fault: string;
  readonly file: string;
  readonly title: string;
}

/** The rows of the table under `## Fault matrix`, each with the file and title of its test. */
function faultMatrix(markdown: string): Row[] {
  const start = markdown.indexOf('## Fault matrix');
  assert.ok(start >= 0, 'SECURITY.md has no "## Fault matrix" section');
  const next = markdown.indexOf('\n## ', start + 1);
  const section = markdown.slice(start, next < 0 ? undefined : next);
  const rows = section.split('\n').filter((line) => line.startsWith('|'));
  const [header, rule, ...body] = rows;
  assert.match(header, /\| Fault \|.*\| Test \|$/);
  assert.match(rule, /^\|( --- \|)+$/);
  return body.map((line) => {
    const cells = line.split(' | ');
    const test = cells[cells.length - 1].replace(/ \|$/, '');
    const match = /^`([^`]+)`: (.+)$/.exec(test);
    assert.ok(match, `the test cell of "${cells[0]}" is not \`file\`: title: ${test}`);
    return { fault: cells[0].replace(/^\| /, ''), file: match[1], title: match[2] };
  });
}

describe('SECURITY.md: the fault matrix', () => {
  it('names, for every fault, a test that exists', () => {
    const root = repoRoot();
    const rows = faultMatrix(fs.readFileSync(path.join(root, 'SECURITY.md'), 'utf8'));
    assert.ok(rows.length >= 15, `only ${rows.length} rows`);
    for (const row of rows) {
      const file = path.join(root, row.file);
      assert.ok(fs.existsSync(file), `${row.fault}: ${row.file} does not exist`);
      const source = fs.readFileSync(file, 'utf8');
      const quoted = [`'${row.title}'`, `"${row.title}"`, `\`${row.title}\``];
      assert.ok(
        quoted.some((q) => new RegExp(`\\bit\\(\\s*${escapeRegExp(q)}`).test(source)),
        `${row.fault}: no test titled "${row.title}" in ${row.file}`,
      );
    }
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
