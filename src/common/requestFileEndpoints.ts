// Where a request file's text names its endpoints: each request's `endpoint` string with its place
// in the text, read with jsonc-parser (the parser of VS Code's own JSON support), which is tolerant,
// so a file being typed still gives the requests it can. The host asks for those endpoints' input
// schemas and puts its hints on those places. Pure: no `vscode`, no Node.
import { parseTree, type Node } from 'jsonc-parser';

export interface EndpointMention {
  /** The id as the file writes it. */
  readonly endpoint: string;
  /** Where the string value (quotes included) is in the text. */
  readonly offset: number;
  readonly length: number;
}

/** The `endpoint` of the request (a top-level object) or of each request (a top-level array). */
export function requestFileEndpoints(text: string): EndpointMention[] {
  const root = parseTree(text, [], { allowTrailingComma: true, disallowComments: false });
  if (!root) return [];
  const requests = root.type === 'array' ? (root.children ?? []) : [root];
  return requests.flatMap((request) => {
    const value = endpointValue(request);
    return value ? [{ endpoint: value.value as string, offset: value.offset, length: value.length }] : [];
  });
}

function endpointValue(request: Node): Node | undefined {
  if (request.type !== 'object') return undefined;
  let found: Node | undefined;
  // The last one, as JSON.parse reads a key given twice.
  for (const property of request.children ?? []) {
    const [key, value] = property.children ?? [];
    if (key?.value === 'endpoint') found = value?.type === 'string' ? value : undefined;
  }
  return found;
}
