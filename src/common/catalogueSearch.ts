// The endpoint picker's search over the target's catalogue, shared by the page (as the user types)
// and its tests: recent ids first, then the catalogue's endpoints whose id, display name, category,
// tags or description hold every word typed (ids that start with the query before those that merely contain
// it), and the typed text itself when it is a valid id the list does not have.
import { checkEndpointId } from './endpointId';

/** What the picker shows of an endpoint (all of it server text, shown as text). */
export interface CatalogueEntry {
  readonly endpointId: string;
  readonly displayName?: string;
  readonly category?: string;
  readonly tags?: readonly string[];
  /** What the endpoint does, in a sentence (searched, and shown under its name). */
  readonly description?: string;
  /** An image URL the page may show (subject to its CSP). */
  readonly thumbnailUrl?: string;
}

export interface PickerItem extends CatalogueEntry {
  /** Why it is offered: a recent id, a catalogue match, or the id as typed. */
  readonly source: 'recent' | 'catalogue' | 'typed';
}

function words(text: string): string[] {
  return text.toLowerCase().split(/\s+/).filter(Boolean);
}

function haystack(entry: CatalogueEntry): string {
  return [entry.endpointId, entry.displayName, entry.category, ...(entry.tags ?? []), entry.description]
    .filter(Boolean)
    .join(' ')
    .toLowerCase();
}

/** The picker's list for `query`: at most `limit` items. */
export function searchCatalogue(
  query: string,
  catalogue: readonly CatalogueEntry[],
  recent: readonly string[],
  limit = 50,
): PickerItem[] {
  const wanted = words(query);
  const matches = (entry: CatalogueEntry) => {
    const text = haystack(entry);
    return wanted.every((word) => text.includes(word));
  };
  const known = new Map(catalogue.map((entry) => [entry.endpointId, entry]));
  const items: PickerItem[] = [];
  const seen = new Set<string>();
  for (const id of recent) {
    const entry = known.get(id) ?? { endpointId: id };
    if (seen.has(id) || !matches(entry)) continue;
    seen.add(id);
    items.push({ ...entry, source: 'recent' });
  }
  const lowered = query.trim().toLowerCase();
  const found = catalogue
    .filter((entry) => !seen.has(entry.endpointId) && matches(entry))
    .map((entry, order) => ({ entry, order, starts: entry.endpointId.toLowerCase().startsWith(lowered) }))
    .sort((a, b) => Number(b.starts) - Number(a.starts) || a.order - b.order);
  for (const { entry } of found) {
    seen.add(entry.endpointId);
    items.push({ ...entry, source: 'catalogue' });
  }
  const typed = query.trim();
  if (typed && !seen.has(typed) && !checkEndpointId(typed))
    items.unshift({ endpointId: typed, source: 'typed' });
  return items.slice(0, limit);
}
