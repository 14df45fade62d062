// Server text never becomes a link in a notification. VS Code renders `[text](https:|command:|file:…)`
// in notification messages and progress titles as links (a `command:` link runs a command on a click),
// so every text that reaches one goes through `withoutLinks` (src/common/recordText.ts). This checks
// the function against VS Code's own link pattern, and checks src/ by its syntax tree: the first
// argument of every `show{Error,Warning,Information}Message`, every progress notification's `title`,
// and every `progress.report` message is a plain literal or a `withoutLinks(...)` result.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { withoutLinks } from '../../src/common/recordText';
import { repoRoot } from '../../tools/vscode-host/repoRoot';

/** VS Code's pattern for links in notification text (vs/base/common/linkedText.ts, 1.100). */
const VSCODE_LINK = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^)\s]+)(?: (["'])(.+?)(\3))?\)/gi;

const HOSTILE = [
  'Click [here](command:fal.clearApiKey) to continue',
  '[open](https://evil.example/x "title")',
  '[a]  (command:workbench.action.terminal.new)',
  '[a](file:///etc/passwd)',
  'nested [[x](command:a)](command:b)',
  '[x]\n(command:a)',
];

/** A text that may reach a notification: a literal, `withoutLinks(...)`, or a const initialised by one. */
function isSafeText(node: ts.Expression, file: ts.SourceFile): boolean {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return true;
  if (ts.isCallExpression(node) && node.expression.getText(file) === 'withoutLinks') return true;
  if (ts.isIdentifier(node)) {
    let safe = false;
    const visit = (n: ts.Node) => {
      if (ts.isVariableDeclaration(n) && n.name.getText(file) === node.text && n.initializer) {
        safe = isSafeText(n.initializer, file);
      }
      if (!safe) ts.forEachChild(n, visit);
    };
    visit(file);
    return safe;
  }
  return false;
}

/** Each place in `text` where possibly unescaped text reaches a notification, as `line: code`. */
export function unescapedNotifications(text: string): string[] {
  const file = ts.createSourceFile('x.ts', text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const flag = (node: ts.Node) =>
    found.push(`${file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1}: ${node.getText(file)}`);
  const property = (literal: ts.Expression | undefined, name: string) =>
    literal && ts.isObjectLiteralExpression(literal)
      ? literal.properties.find((p) => p.name?.getText(file) === name)
      : undefined;
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node)) {
      const callee = node.expression.getText(file);
      const [first] = node.arguments;
      if (/\.show(Error|Warning|Information)Message$/.test(callee) && first && !isSafeText(first, file)) {
        flag(first);
      }
      if (/(^|\.)withProgress$/.test(callee)) {
        const title = property(first, 'title');
        if (title && ts.isPropertyAssignment(title) && !isSafeText(title.initializer, file)) flag(title);
        if (title && ts.isShorthandPropertyAssignment(title)) flag(title);
      }
      if (/\.report$/.test(callee)) {
        const message = property(first, 'message');
        if (message && ts.isPropertyAssignment(message) && !isSafeText(message.initializer, file)) {
          flag(message);
        }
        if (message && ts.isShorthandPropertyAssignment(message) && !isSafeText(message.name, file)) {
          flag(message);
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

describe('notification text (server text never becomes a link)', () => {
  it('withoutLinks leaves nothing VS Code would render as a link, and keeps the words', () => {
    for (const text of HOSTILE) {
      assert.ok(VSCODE_LINK.test(text) || text.includes('\n') || /\]\s+\(/.test(text), `fixture: ${text}`);
      VSCODE_LINK.lastIndex = 0;
      const safe = withoutLinks(text);
      assert.equal(safe.match(VSCODE_LINK), null, safe);
      assert.equal(safe.replace(/\s/g, ''), text.replace(/\s/g, ''), 'only spacing changes');
    }
    assert.equal(withoutLinks('no links [1] here (really)'), 'no links [1] here (really)');
  });

  it('the check finds unescaped text in a fixture, so it cannot silently stop checking', () => {
    const fixture = [
      'vscode.window.showErrorMessage(err.message);',
      'vscode.window.showErrorMessage(`Failed: ${detail}`);',
      "vscode.window.showErrorMessage(withoutLinks(err.message), 'Retry');",
      "vscode.window.showInformationMessage('plain');",
      'vscode.window.withProgress({ location, title: `run ${id}` }, f);',
      'const message = withoutLinks(x); progress.report({ message });',
      'progress.report({ message: name });',
    ].join('\n');
    assert.deepEqual(unescapedNotifications(fixture), [
      '1: err.message',
      '2: `Failed: ${detail}`',
      '5: title: `run ${id}`',
      '7: message: name',
    ]);
  });

  it('every notification text in src/ is a literal or goes through withoutLinks', () => {
    const src = path.join(repoRoot(), 'src');
    const problems = fs
      .readdirSync(src, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith('.ts'))
      .map((e) => path.join(e.parentPath, e.name))
      .flatMap((file) =>
        unescapedNotifications(fs.readFileSync(file, 'utf8')).map((p) => `${path.relative(src, file)}:${p}`),
      );
    assert.deepEqual(problems, []);
  });
});
