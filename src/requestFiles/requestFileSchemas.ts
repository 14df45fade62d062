// Serves the JSON Schema of `*.fal.json` request files to VS Code's own JSON language features
// (package.json's `jsonValidation` names `fal-schema://schemas/request-file.json`; the JSON extension
// reads it with `workspace.openTextDocument`, which lands here). The schema checks the file's shape
// and, for each endpoint the open request files name, its `input` against that endpoint's input
// schema from the current target (src/connection/endpointSchemas.ts). When the endpoints named, or
// the target, change, the provider's change event makes the JSON extension read the schema again
// (told again once open when it changed while the JSON extension was opening it: openingDocuments.ts).
// An endpoint whose schema cannot be had gets a hint on its `endpoint` value saying why, and its
// input is left unchecked.
import * as vscode from 'vscode';
import { requestFileEndpoints, type EndpointMention } from '../common/requestFileEndpoints';
import { ENDPOINT_ID_PATTERN, requestFileSchema } from '../common/requestFileSchema';
import type { JsonSchema } from '../common/schemaForm';
import type { MissingSchema, SchemaLookup } from '../connection/endpointSchemas';
import type { Connection } from '../connection/falConnection';
import { OpeningDocuments } from '../views/openingDocuments';

export const SCHEMA_SCHEME = 'fal-schema';
/** The URL package.json's `jsonValidation` gives for `*.fal.json`. */
export const REQUEST_FILE_SCHEMA_URI = vscode.Uri.parse(`${SCHEMA_SCHEME}://schemas/request-file.json`);
/** The `source` of the hints on endpoints without a schema. */
export const DIAGNOSTIC_SOURCE = 'fal';
/** How long the endpoints named must stay unchanged while typing before their schemas are asked for. */
const DEBOUNCE_MS = 300;

/** An endpoint's input schema at the current target, or why there is none. */
type Answer = { readonly input: JsonSchema } | { readonly why: string };

export interface RequestFileSchemaServices {
  /** Where calls go now (starts the embedded sandbox when that is the target, as a call would). */
  readonly connection: {
    get(): Promise<Pick<Connection, 'target' | 'description'>>;
    readonly onDidLoseSandbox: (listener: (url: string) => void) => vscode.Disposable;
  };
  readonly schemas: { lookup(target: Connection['target'], endpointId: string): Promise<SchemaLookup> };
}

/** A request file, by its name (what `jsonValidation`'s `fileMatch` matches too). */
export function isRequestFile(document: vscode.TextDocument): boolean {
  return document.uri.path.endsWith('.fal.json');
}

export class RequestFileSchemas implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly diagnostics = vscode.languages.createDiagnosticCollection(DIAGNOSTIC_SOURCE);
  private readonly subscriptions: vscode.Disposable[] = [];
  /** The schema as served now. */
  private text = render(new Map());
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Bumped by each refresh, so an older one that ends later changes nothing. */
  private generation = 0;
  private readonly opening = new OpeningDocuments(
    SCHEMA_SCHEME,
    () => this.text,
    (uri) => this.changed.fire(uri),
  );

  constructor(private readonly services: RequestFileSchemaServices) {
    const ifRequestFile = (document: vscode.TextDocument) => {
      if (isRequestFile(document)) this.schedule();
    };
    this.subscriptions.push(
      this.changed,
      this.diagnostics,
      this.opening,
      vscode.workspace.onDidOpenTextDocument(ifRequestFile),
      vscode.workspace.onDidChangeTextDocument((e) => ifRequestFile(e.document)),
      vscode.workspace.onDidCloseTextDocument((document) => {
        if (!isRequestFile(document)) return;
        this.diagnostics.delete(document.uri);
        this.schedule();
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('fal.target') || e.affectsConfiguration('fal.sandboxUrl'))
          this.schedule(0);
      }),
      services.connection.onDidLoseSandbox(() => this.schedule(0)),
    );
    this.schedule(0);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    this.opening.made(uri);
    return this.text;
  }

  private schedule(delay = DEBOUNCE_MS): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), delay);
  }

  /** Reads the open request files' endpoints, looks up their schemas, serves the schema and sets the hints. */
  private async refresh(): Promise<void> {
    const generation = ++this.generation;
    const files = vscode.workspace.textDocuments
      .filter(isRequestFile)
      .map((document) => ({ document, mentions: requestFileEndpoints(document.getText()) }));
    const pattern = new RegExp(ENDPOINT_ID_PATTERN);
    const ids = [...new Set(files.flatMap((f) => f.mentions.map((m) => m.endpoint)))].filter((id) =>
      pattern.test(id),
    );
    const found = await this.lookUp(ids);
    if (generation !== this.generation) return;

    const inputs = new Map<string, JsonSchema>();
    for (const [id, answer] of found) if ('input' in answer) inputs.set(id, answer.input);
    for (const { document, mentions } of files) {
      this.diagnostics.set(document.uri, hints(document, mentions, found));
    }
    const text = render(inputs);
    if (text !== this.text) {
      this.text = text;
      this.changed.fire(REQUEST_FILE_SCHEMA_URI);
    }
  }

  /** Each id's input schema at the current target, or why there is none. */
  private async lookUp(ids: readonly string[]): Promise<Map<string, Answer>> {
    const found = new Map<string, Answer>();
    if (ids.length === 0) return found;
    let connection: Pick<Connection, 'target' | 'description'>;
    try {
      connection = await this.services.connection.get();
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      for (const id of ids) found.set(id, { why });
      return found;
    }
    await Promise.all(
      ids.map(async (id) => {
        const { schema, missing } = await this.services.schemas.lookup(connection.target, id);
        found.set(
          id,
          schema ? { input: schema.input } : { why: describeMissing(missing, connection.description) },
        );
      }),
    );
    return found;
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.generation++;
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}

function render(inputs: ReadonlyMap<string, JsonSchema>): string {
  return JSON.stringify(requestFileSchema(inputs), null, 1);
}

/** "the embedded fal sandbox at http://… answered 404 (Endpoint x/y not found)", or the failure's words. */
function describeMissing(missing: MissingSchema, where: string): string {
  return missing.status !== undefined
    ? `${where} answered ${missing.status} (${missing.message})`
    : missing.message;
}

/** A hint on each `endpoint` value whose schema could not be had. */
function hints(
  document: vscode.TextDocument,
  mentions: readonly EndpointMention[],
  found: ReadonlyMap<string, Answer>,
): vscode.Diagnostic[] {
  return mentions.flatMap((mention) => {
    const answer = found.get(mention.endpoint);
    if (!answer || !('why' in answer)) return [];
    const range = new vscode.Range(
      document.positionAt(mention.offset),
      document.positionAt(mention.offset + mention.length),
    );
    const diagnostic = new vscode.Diagnostic(
      range,
      `No input schema for ${mention.endpoint}, so its input is not checked: ${answer.why.replace(/\.$/, '')}.`,
      vscode.DiagnosticSeverity.Information,
    );
    diagnostic.source = DIAGNOSTIC_SOURCE;
    return [diagnostic];
  });
}
