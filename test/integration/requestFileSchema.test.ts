// `*.fal.json` request files in VS Code's own JSON language features, in the real extension host with
// its built-in JSON extension: the schema the extension serves on its fal-schema scheme checks a
// request's input by its endpoint (a wrongly typed field is a diagnostic, read with
// languages.getDiagnostics), the diagnostics follow an edited endpoint (the provider's change event
// makes the JSON extension read the schema again), an endpoint without a schema gets the extension's
// hint and no input errors, and completion and hover inside `input` come from the endpoint's schema.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { DIAGNOSTIC_SOURCE, REQUEST_FILE_SCHEMA_URI } from '../../src/requestFiles/requestFileSchemas';
import { activateExtension, EXTENSION_ID } from './extensionApi';

/** Long enough for the embedded sandbox to start and the JSON server to read the schema. */
const WAIT_MS = 30_000;

/** The request files the tests wrote (emptied afterwards, see `after`). */
const written: vscode.Uri[] = [];

async function writeRequestFile(name: string, text: string): Promise<vscode.TextEditor> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  assert.ok(folder, 'the test workspace has a folder');
  const uri = vscode.Uri.joinPath(folder, name);
  await vscode.workspace.fs.writeFile(uri, Buffer.from(text));
  written.push(uri);
  return vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
}

/** The range of the first `needle` in the document's text. */
function rangeOf(document: vscode.TextDocument, needle: string, from = 0): vscode.Range {
  const at = document.getText().indexOf(needle, from);
  assert.ok(at >= 0, `${needle} is not in ${document.uri.path}`);
  return new vscode.Range(document.positionAt(at), document.positionAt(at + needle.length));
}

/** Resolves with the document's diagnostics once `check` holds for them (checked every 100 ms). */
async function diagnosticsUntil(
  uri: vscode.Uri,
  what: string,
  check: (diagnostics: vscode.Diagnostic[]) => boolean,
): Promise<vscode.Diagnostic[]> {
  const end = Date.now() + WAIT_MS;
  for (;;) {
    const diagnostics = vscode.languages.getDiagnostics(uri);
    if (check(diagnostics)) return diagnostics;
    if (Date.now() > end) {
      const seen = diagnostics.map(
        (d) => `${d.source}: ${d.message} @${d.range.start.line}:${d.range.start.character}`,
      );
      throw new Error(`${what}: never came; diagnostics: ${JSON.stringify(seen)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const fromJson = (d: vscode.Diagnostic) => d.source !== DIAGNOSTIC_SOURCE;
const within = (d: vscode.Diagnostic, range: vscode.Range) => range.contains(d.range);

describe('request file schema (VS Code JSON language features)', function () {
  this.timeout(90_000);

  before(activateExtension);

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  // A closed editor's document stays open in the extension host for a while: emptied, it names no
  // endpoint, so later tests' target changes set off no schema look-ups on their sandboxes.
  after(async () => {
    const edit = new vscode.WorkspaceEdit();
    for (const document of vscode.workspace.textDocuments) {
      if (!written.some((uri) => uri.toString() === document.uri.toString())) continue;
      edit.replace(document.uri, new vscode.Range(0, 0, document.lineCount, 0), '');
    }
    await vscode.workspace.applyEdit(edit);
    await vscode.workspace.saveAll(false);
  });

  it("runs beside VS Code's built-in JSON language features, which take *.fal.json as JSON", async () => {
    assert.ok(vscode.extensions.getExtension('vscode.json-language-features'), 'no built-in JSON extension');
    const editor = await writeRequestFile('plain.fal.json', '{"endpoint": "sandbox/echo", "input": {}}\n');
    assert.equal(editor.document.languageId, 'json');
    const served = await vscode.workspace.openTextDocument(REQUEST_FILE_SCHEMA_URI);
    const schema = JSON.parse(served.getText()) as { title: string; definitions: { request: unknown } };
    assert.equal(schema.title, 'fal request file');
    assert.ok(schema.definitions.request);
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON;
    assert.deepEqual(pkg.contributes.jsonValidation, [
      { fileMatch: ['*.fal.json', '**/*.fal.json'], url: REQUEST_FILE_SCHEMA_URI.toString() },
    ]);
    assert.ok(pkg.activationEvents.includes(`onFileSystem:${REQUEST_FILE_SCHEMA_URI.scheme}`));
  });

  it('a wrongly typed input field is a diagnostic from the served schema, and the diagnostics follow the endpoint', async () => {
    // In a folder: the jsonValidation's fileMatch reaches request files at any depth.
    const editor = await writeRequestFile(
      'requests/deep/typed.fal.json',
      '{\n  "endpoint": "sandbox/image",\n  "method": "subscribe",\n' +
        '  "input": {"prompt": "a fox", "num_images": "two", "duration_s": "long"}\n}\n',
    );
    const { document } = editor;
    const numImages = rangeOf(document, '"two"');
    const duration = rangeOf(document, '"long"');
    const image = await diagnosticsUntil(document.uri, 'an error at num_images', (ds) =>
      ds.some((d) => fromJson(d) && within(d, numImages)),
    );
    const error = image.find((d) => fromJson(d) && within(d, numImages))!;
    assert.equal(error.severity, vscode.DiagnosticSeverity.Warning);
    assert.match(error.message, /integer/i);
    assert.ok(!image.some((d) => within(d, duration)), 'sandbox/image has no duration_s to check');

    // sandbox/audio is in no file yet: its input schema reaches the JSON server only through the
    // provider's change event.
    const edit = new vscode.WorkspaceEdit();
    edit.replace(document.uri, rangeOf(document, 'sandbox/image'), 'sandbox/audio');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const audio = await diagnosticsUntil(
      document.uri,
      "sandbox/audio's errors (duration_s a number, text required)",
      (ds) =>
        ds.some((d) => fromJson(d) && within(d, duration)) &&
        ds.some((d) => fromJson(d) && /text/.test(d.message)) &&
        !ds.some((d) => within(d, numImages)),
    );
    assert.ok(audio.every(fromJson), 'no hints: both endpoints have schemas');
  });

  it('an endpoint without a schema: a hint on its endpoint saying why, and its input unchecked', async () => {
    const editor = await writeRequestFile(
      'unknown.fal.json',
      '[\n  {"name": "unknown", "endpoint": "nobody/nothing", "input": {"num_images": "two"}},\n' +
        '  {"name": "known", "endpoint": "sandbox/image", "input": {"prompt": "x", "num_images": "three"}}\n]\n',
    );
    const { document } = editor;
    const known = rangeOf(document, '"three"');
    const diagnostics = await diagnosticsUntil(
      document.uri,
      "the known endpoint's error and the unknown one's hint",
      (ds) => ds.some((d) => fromJson(d) && within(d, known)) && ds.some((d) => !fromJson(d)),
    );
    const hints = diagnostics.filter((d) => !fromJson(d));
    assert.equal(hints.length, 1, JSON.stringify(hints.map((h) => h.message)));
    const [hint] = hints;
    assert.deepEqual(hint.range, rangeOf(document, '"nobody/nothing"'));
    assert.equal(hint.severity, vscode.DiagnosticSeverity.Information);
    assert.equal(hint.source, 'fal');
    assert.match(
      hint.message,
      /^No input schema for nobody\/nothing, so its input is not checked: the embedded fal sandbox at http:\/\/127\.0\.0\.1:\d+ answered 404 \(.*not found\)\.$/,
    );
    const unknownInput = rangeOf(document, '"two"');
    assert.ok(!diagnostics.some((d) => within(d, unknownInput)), "the unknown endpoint's input was checked");
  });

  it("completion and hover inside input come from the endpoint's schema", async () => {
    const editor = await writeRequestFile(
      'complete.fal.json',
      '{\n  "endpoint": "sandbox/image",\n  "input": {\n    "num_images": 2,\n    \n  }\n}\n',
    );
    const { document } = editor;
    const inside = new vscode.Position(4, 4);
    const end = Date.now() + WAIT_MS;
    let labels: string[] = [];
    while (!labels.includes('prompt') && Date.now() < end) {
      const list = await vscode.commands.executeCommand<vscode.CompletionList>(
        'vscode.executeCompletionItemProvider',
        document.uri,
        inside,
      );
      labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
      if (!labels.includes('prompt')) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    for (const name of ['prompt', 'image_size', 'seed', 'num_inference_steps']) {
      assert.ok(labels.includes(name), `${name} is not offered: ${JSON.stringify(labels)}`);
    }
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      document.uri,
      rangeOf(document, '"num_images"').start.translate(0, 2),
    );
    const text = hovers
      .flatMap((h) => h.contents)
      .map((c) => (typeof c === 'string' ? c : c.value))
      .join('\n');
    // The schema's description, as text: markdown's characters escaped.
    assert.match(text, /The number of images to generate\\\./);
  });
});
