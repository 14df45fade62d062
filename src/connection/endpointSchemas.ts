// The input schemas of endpoints, fetched from each target once per endpoint with the client's
// `schema(endpointId)` and kept, so the playground's form and JSON editor (and request files'
// checks) can be built on every choice of endpoint without a fetch each time. A schema is a
// nice-to-have: any failure (404 for an endpoint without one, network, a document that does not
// parse) is logged at debug level and means "no schema", remembered with why for a while, never an
// error. Plain Node (no `vscode`): the client for a target comes from a function, as for prices
// (./endpointPrices.ts).
import { targetKey, type RecordTarget } from '../common/callModel';
import type { Logger } from '../common/messages';
import type { FalClient } from '../fal/client';
import { ApiError } from '../fal/errors';
import type { EndpointSchema } from '../fal/schema';

/** A client for a target, or undefined when there is none now (a sandbox that is gone). */
export type SchemaClientFor = (target: RecordTarget) => Promise<Pick<FalClient, 'schema'> | undefined>;

/** After a failed look-up ("no schema"), the answer stays "none" this long before it is asked again. */
export const RETRY_MISSING_AFTER_MS = 60_000;

/** Why an endpoint has no schema: the failure's message, and the HTTP status when a reply said no. */
export interface MissingSchema {
  readonly message: string;
  readonly status?: number;
}

/** A look-up's answer: the schema, or why there is none. */
export type SchemaLookup =
  | { readonly schema: EndpointSchema; readonly missing?: undefined }
  | { readonly schema?: undefined; readonly missing: MissingSchema };

type Entry =
  | { readonly kind: 'known'; readonly schema: EndpointSchema }
  | { readonly kind: 'pending'; readonly promise: Promise<SchemaLookup> }
  | { readonly kind: 'missing'; readonly at: number; readonly missing: MissingSchema };

export interface EndpointSchemaSource {
  /** The schema already fetched, without asking (undefined: none, or not asked yet). */
  cached(target: RecordTarget, endpointId: string): EndpointSchema | undefined;
  /** The schema, fetched from the target once; undefined when it has none or could not be asked. */
  schema(target: RecordTarget, endpointId: string): Promise<EndpointSchema | undefined>;
  /** As `schema`, saying why when there is none. */
  lookup(target: RecordTarget, endpointId: string): Promise<SchemaLookup>;
}

export class EndpointSchemas implements EndpointSchemaSource {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly clientFor: SchemaClientFor,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  cached(target: RecordTarget, endpointId: string): EndpointSchema | undefined {
    const entry = this.entries.get(keyOf(target, endpointId));
    return entry?.kind === 'known' ? entry.schema : undefined;
  }

  async schema(target: RecordTarget, endpointId: string): Promise<EndpointSchema | undefined> {
    return (await this.lookup(target, endpointId)).schema;
  }

  /** As `schema`, saying why when there is none (a "none" remembered keeps its reason). */
  lookup(target: RecordTarget, endpointId: string): Promise<SchemaLookup> {
    const key = keyOf(target, endpointId);
    const entry = this.entries.get(key);
    if (entry?.kind === 'known') return Promise.resolve({ schema: entry.schema });
    if (entry?.kind === 'pending') return entry.promise;
    if (entry?.kind === 'missing' && this.now() - entry.at < RETRY_MISSING_AFTER_MS) {
      return Promise.resolve({ missing: entry.missing });
    }
    const promise = this.fetch(target, endpointId).then(
      (schema): SchemaLookup => {
        this.entries.set(key, { kind: 'known', schema });
        return { schema };
      },
      (err: unknown): SchemaLookup => {
        const missing: MissingSchema = {
          message: err instanceof Error ? err.message : String(err),
          ...(err instanceof ApiError ? { status: err.status } : {}),
        };
        this.log.debug(`No schema for ${endpointId}: ${missing.message}`);
        this.entries.set(key, { kind: 'missing', at: this.now(), missing });
        return { missing };
      },
    );
    this.entries.set(key, { kind: 'pending', promise });
    return promise;
  }

  private async fetch(target: RecordTarget, endpointId: string): Promise<EndpointSchema> {
    const client = await this.clientFor(target);
    if (!client) throw new Error('no client for its target now');
    return client.schema(endpointId);
  }

  /** Forgets every schema and "none" (a target changed, a sandbox restarted). */
  clear(): void {
    this.entries.clear();
  }

  dispose(): void {
    this.entries.clear();
  }
}

function keyOf(target: RecordTarget, endpointId: string): string {
  return `${targetKey(target)}\n${endpointId}`;
}
