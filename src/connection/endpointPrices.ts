// The unit prices of endpoints, asked of each target's pricing API once per endpoint and kept, so the
// Requests tree and the playground can show prices and costs without a call each time they draw. A
// price is a nice-to-have: any failure (no key, 404, network) is logged at debug level and means "no
// price", never an error. Plain Node (no `vscode`): the client for a target comes from a function.
import { targetKey, type RecordTarget } from '../common/callModel';
import type { UnitPrice } from '../common/costEstimate';
import { Emitter, type Event } from '../common/emitter';
import type { Logger } from '../common/messages';
import type { FalClient } from '../fal/client';

/** A client for a target, or undefined when there is none now (no key, a sandbox that is gone). */
export type PricingClientFor = (target: RecordTarget) => Promise<Pick<FalClient, 'pricing'> | undefined>;

/** A failed look-up is tried again after this long (a known "no price" never is). */
const RETRY_FAILED_AFTER_MS = 60_000;

type Entry =
  | { readonly kind: 'known'; readonly price: UnitPrice | undefined }
  | { readonly kind: 'pending'; readonly promise: Promise<UnitPrice | undefined> }
  | { readonly kind: 'failed'; readonly at: number };

export interface EndpointPriceSource {
  /** The price already known, without asking (undefined: none known, or not asked yet). */
  cached(target: RecordTarget, endpointId: string): UnitPrice | undefined;
  /** The price, asked of the target once; undefined when it has none or could not be asked. */
  price(target: RecordTarget, endpointId: string): Promise<UnitPrice | undefined>;
  /** Fires when a price becomes known, so views that drew without it draw again. */
  readonly onDidLearnPrice: Event<{ readonly target: RecordTarget; readonly endpointId: string }>;
}

export class EndpointPrices implements EndpointPriceSource {
  private readonly entries = new Map<string, Entry>();
  private readonly learned = new Emitter<{ readonly target: RecordTarget; readonly endpointId: string }>();
  readonly onDidLearnPrice = this.learned.event;

  constructor(
    private readonly clientFor: PricingClientFor,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  cached(target: RecordTarget, endpointId: string): UnitPrice | undefined {
    const entry = this.entries.get(keyOf(target, endpointId));
    return entry?.kind === 'known' ? entry.price : undefined;
  }

  price(target: RecordTarget, endpointId: string): Promise<UnitPrice | undefined> {
    const key = keyOf(target, endpointId);
    const entry = this.entries.get(key);
    if (entry?.kind === 'known') return Promise.resolve(entry.price);
    if (entry?.kind === 'pending') return entry.promise;
    if (entry?.kind === 'failed' && this.now() - entry.at < RETRY_FAILED_AFTER_MS) {
      return Promise.resolve(undefined);
    }
    const promise = this.ask(target, endpointId).then(
      (price) => {
        this.entries.set(key, { kind: 'known', price });
        if (price) this.learned.fire({ target, endpointId });
        return price;
      },
      (err: unknown) => {
        this.log.debug(`No price for ${endpointId}: ${err instanceof Error ? err.message : String(err)}`);
        this.entries.set(key, { kind: 'failed', at: this.now() });
        return undefined;
      },
    );
    this.entries.set(key, { kind: 'pending', promise });
    return promise;
  }

  private async ask(target: RecordTarget, endpointId: string): Promise<UnitPrice | undefined> {
    const client = await this.clientFor(target);
    if (!client) throw new Error('no client for its target now');
    const prices = await client.pricing([endpointId]);
    const found = prices.find((p) => p.endpoint_id === endpointId) ?? prices[0];
    if (!found) this.log.debug(`No price for ${endpointId}: the target lists none`);
    return found && { unit: found.unit, unit_price: found.unit_price, currency: found.currency ?? 'USD' };
  }

  dispose(): void {
    this.learned.dispose();
  }
}

function keyOf(target: RecordTarget, endpointId: string): string {
  return `${targetKey(target)}\n${endpointId}`;
}
