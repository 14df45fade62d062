// `{"$file": "images/cat.png"}` as a value in a request file's input: a file to upload before the
// call, whose URL takes the object's place. Finding them and putting the URLs in is pure; reading
// and uploading is the host's (src/requestFiles/requestFilePreparation.ts, through the playground's
// own file code).
import { setField, type FieldPath } from './schemaForm';

export const FILE_KEY = '$file';

export interface FileReference {
  /** Where the `{"$file": …}` object sits in the input. */
  readonly path: FieldPath;
  /** The file's path as written (relative to the request file's folder, or absolute). */
  readonly file: string;
}

/** Every `{"$file": …}` in `value`, in document order; throws for one that is malformed. */
export function fileReferencesIn(value: unknown, path: FieldPath = []): FileReference[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => fileReferencesIn(v, [...path, i]));
  if (typeof value !== 'object' || value === null) return [];
  const object = value as Record<string, unknown>;
  if (FILE_KEY in object) {
    const file = object[FILE_KEY];
    if (typeof file !== 'string' || !file.trim() || Object.keys(object).length !== 1) {
      const where = path.length ? path.join('.') : 'the input';
      throw new Error(
        `"${FILE_KEY}" at ${where} must be alone in its object with a file path, e.g. {"$file": "images/cat.png"}.`,
      );
    }
    return [{ path, file: file.trim() }];
  }
  return Object.entries(object).flatMap(([key, v]) => fileReferencesIn(v, [...path, key]));
}

/** `value` with each reference's object replaced by the URL at the same index of `urls`. */
export function withFileUrls(
  value: unknown,
  references: readonly FileReference[],
  urls: readonly string[],
): unknown {
  return references.reduce((current, ref, i) => setField(current, ref.path, urls[i]), value);
}
