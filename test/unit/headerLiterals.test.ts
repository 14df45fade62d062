// fal's header names are spelled in one module, src/common/falHeaders.ts: this fails when an
// `x-fal-` header name appears in a string anywhere else in src/ (comments aside). `x-fal-` names
// that are not headers (OpenAPI extensions, realtime message types) are listed below by name, so a
// new header cannot slip in as "not a header" without this list saying so.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { repoRoot } from '../../tools/vscode-host/repoRoot';

const HEADERS_MODULE = path.join('src', 'common', 'falHeaders.ts');

/** `x-fal-` names that are not HTTP headers. */
const NOT_HEADERS = new Set([
  // OpenAPI schema extensions fal emits and reads.
  'x-fal-order-properties',
  'x-fal-metadata',
  'x-fal-file-input',
  'x-fal-ui-field',
  // Realtime control frame types.
  'x-fal-error',
  'x-fal-message',
]);

function sourceFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => path.join(e.parentPath, e.name));
}

/** Every `x-fal-…` name inside a string or template literal of `text`, with its line. */
export function headerLiterals(text: string): Array<{ name: string; line: number }> {
  const found: Array<{ name: string; line: number }> = [];
  const sourceFile = ts.createSourceFile('x.ts', text, ts.ScriptTarget.Latest);
  const visit = (node: ts.Node) => {
    if (
      ts.isStringLiteral(node) ||
      ts.isNoSubstitutionTemplateLiteral(node) ||
      ts.isTemplateHead(node) ||
      ts.isTemplateMiddle(node) ||
      ts.isTemplateTail(node)
    ) {
      for (const match of node.text.matchAll(/x-fal-[a-z0-9-]*[a-z0-9]/gi)) {
        const name = match[0].toLowerCase();
        if (!NOT_HEADERS.has(name)) {
          const { line } = sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile));
          found.push({ name, line: line + 1 });
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found;
}

describe('fal header names (one module spells them)', () => {
  it('no x-fal- header literal in src/ outside src/common/falHeaders.ts', () => {
    const root = repoRoot();
    const offenders = sourceFiles(path.join(root, 'src'))
      .filter((file) => path.relative(root, file) !== HEADERS_MODULE)
      .flatMap((file) =>
        headerLiterals(fs.readFileSync(file, 'utf8')).map(
          ({ name, line }) => `${path.relative(root, file)}:${line}: ${name}`,
        ),
      );
    assert.deepEqual(offenders, [], `use FAL_HEADERS from ${HEADERS_MODULE}:\n${offenders.join('\n')}`);
  });

  it('finds a header literal in a string and in a template, and none in a comment', () => {
    const found = headerLiterals(
      [
        "const a = { 'x-fal-no-retry': '1' };",
        'const b = `X-Fal-Request-Timeout: ${5}`;',
        '// x-fal-runner-hint in a comment',
        "const c = { 'x-fal-order-properties': [] };",
      ].join('\n'),
    );
    assert.deepEqual(found, [
      { name: 'x-fal-no-retry', line: 1 },
      { name: 'x-fal-request-timeout', line: 2 },
    ]);
  });
});
