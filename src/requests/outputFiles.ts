// Outputs too large for the index (over 16 KB as JSON), each kept in its own file beside it,
// `<folder>/outputs/<record id>.json`, so a large result survives a reload without being fetched
// from fal again (which fails once fal no longer keeps it) and without slowing every index write.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomicSync } from '../storage/fileLock';

/**
 * Largest output (as JSON) kept inside the index; larger ones get their own file. Small, because
 * the whole index is rewritten at each change of state (realtime outputs with images as data URLs
 * are 50 to 250 KB each, and the list holds up to 10,000 records).
 */
export const MAX_INDEX_OUTPUT_BYTES = 16 * 1024;

/**
 * A reply larger than this is never read into memory: it is written to the record's output file as
 * it arrives (the protocol client's `spool`), and the record keeps a preview of its start.
 */
export const SPOOL_ABOVE_BYTES = 8 * 1024 * 1024;
/** How much of the start of a spooled output the record keeps to show. */
export const OUTPUT_PREVIEW_BYTES = 4 * 1024;

/** JSON size of each output seen, so a save does not serialise every output twice. */
const sizes = new WeakMap<object, number>();

/** The output's size as JSON; Infinity for one that cannot be written as JSON. */
export function outputSize(output: unknown): number {
  const cached = typeof output === 'object' && output !== null ? sizes.get(output) : undefined;
  if (cached !== undefined) return cached;
  let size: number;
  try {
    size = Buffer.byteLength(JSON.stringify(output) ?? '');
  } catch {
    size = Infinity;
  }
  if (typeof output === 'object' && output !== null) sizes.set(output, size);
  return size;
}

/** The file name (inside `outputs/`) of a record's output: its id when that is a safe name. */
export function outputFileName(recordId: string): string {
  const safe = /^[\w-]{1,100}$/.test(recordId)
    ? recordId
    : createHash('sha256').update(recordId).digest('hex');
  return `${safe}.json`;
}

export function outputPath(folder: string, name: string): string {
  return path.join(folder, 'outputs', path.basename(name));
}

export function writeOutputFile(folder: string, name: string, output: unknown): void {
  writeFileAtomicSync(outputPath(folder, name), JSON.stringify(output));
}

export async function readOutputFile(folder: string, name: string): Promise<unknown> {
  let text: string;
  try {
    text = await fs.promises.readFile(outputPath(folder, name), 'utf8');
  } catch (err) {
    throw new Error(`The saved output (${name}) cannot be read: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new Error(`The saved output (${name}) is not valid JSON.`);
  }
}

export function deleteOutputFile(folder: string, name: string): void {
  try {
    fs.rmSync(outputPath(folder, name), { force: true });
  } catch {
    // Left behind; it is no longer referenced.
  }
}
