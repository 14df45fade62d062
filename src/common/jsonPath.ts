// A place in a JSON value written as a JSONPath (`$.images[0].url`, `$['a key']`), what the result
// view's JSON tree copies for "Copy Path". Pure, shared by page and tests.
import type { FieldPath } from './schemaForm';

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `['images', 0, 'url']` → `$.images[0].url`; keys that are not identifiers in brackets and quotes. */
export function jsonPathText(path: FieldPath): string {
  let text = '$';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else if (IDENTIFIER.test(key)) text += `.${key}`;
    else text += `['${key.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`;
  }
  return text;
}
