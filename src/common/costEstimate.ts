// What a completed call probably cost: how many billing units its output shows (images counted,
// seconds of audio or video read from `duration`, one request), times the endpoint's unit price, and
// the words for both ("$0.025 / image", "$0.05 (2 images × $0.025)"). One pure piece of code that the
// Requests tree and the playground both use, so they never disagree about a cost.

/** An endpoint's unit price, as fal's pricing API gives it. */
export interface UnitPrice {
  readonly unit: string;
  readonly unit_price: number;
  readonly currency: string;
}

export interface CallCost {
  /** Billing units the output shows. */
  readonly quantity: number;
  /** quantity × unit price. */
  readonly total: number;
  /** "$0.05 (2 images × $0.025)". */
  readonly text: string;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The images of an output: its `images` list, or its one `image`. */
function imagesOf(output: Record<string, unknown>): Record<string, unknown>[] | undefined {
  if (Array.isArray(output.images)) return output.images.filter(isObject);
  if (isObject(output.image)) return [output.image];
  return undefined;
}

/** Seconds of media in an output: `duration` of its audio or video (or of the output itself). */
function secondsOf(output: Record<string, unknown>): number | undefined {
  for (const holder of [output.audio, output.video, output.audio_file, output.video_file, output]) {
    if (!isObject(holder)) continue;
    const duration = holder.duration ?? holder.duration_s ?? holder.duration_seconds;
    if (typeof duration === 'number' && Number.isFinite(duration) && duration >= 0) return duration;
  }
  return undefined;
}

/** Billing units of `unit` that `output` shows; undefined when it shows nothing countable. */
export function countUnits(unit: string, output: unknown): number | undefined {
  if (unit === 'request') return 1;
  if (!isObject(output)) return undefined;
  switch (unit) {
    case 'image': {
      const images = imagesOf(output);
      return images && images.length > 0 ? images.length : undefined;
    }
    case 'megapixel': {
      const images = imagesOf(output);
      if (!images || images.length === 0) return undefined;
      let pixels = 0;
      for (const image of images) {
        if (typeof image.width !== 'number' || typeof image.height !== 'number') return undefined;
        pixels += image.width * image.height;
      }
      return pixels / 1e6;
    }
    case 'second':
    case 'video_second':
      return secondsOf(output);
    case 'minute': {
      const seconds = secondsOf(output);
      return seconds === undefined ? undefined : seconds / 60;
    }
    default:
      return undefined;
  }
}

/** The estimated cost of a call whose output is `output`; undefined when its units cannot be counted. */
export function estimateCallCost(price: UnitPrice, output: unknown): CallCost | undefined {
  const quantity = countUnits(price.unit, output);
  if (quantity === undefined || !Number.isFinite(price.unit_price)) return undefined;
  const total = quantity * price.unit_price;
  const text = `${formatMoney(total, price.currency)} (${formatQuantity(quantity, price.unit)} × ${formatMoney(price.unit_price, price.currency)})`;
  return { quantity, total, text };
}

/** "$0.025 / image". */
export function describePrice(price: UnitPrice): string {
  return `${formatMoney(price.unit_price, price.currency)} / ${unitName(price.unit, 1)}`;
}

/** "$0.05", "$1.00", "$0.0025", "0.05 EUR": at least two decimals, at most six, no float noise. */
export function formatMoney(amount: number, currency: string): string {
  const fixed = amount.toFixed(6).replace(/0+$/, '');
  const [whole, decimals = ''] = fixed.split('.');
  const text = `${whole}.${decimals.padEnd(2, '0')}`;
  return currency === 'USD' ? `$${text}` : `${text} ${currency}`;
}

function formatQuantity(quantity: number, unit: string): string {
  const number = Number.isInteger(quantity) ? String(quantity) : String(Number(quantity.toFixed(3)));
  return `${number} ${unitName(unit, quantity)}`;
}

/** "image" / "images", "video second(s)", "1000 characters". */
function unitName(unit: string, quantity: number): string {
  const name = unit.replace(/_/g, ' ');
  if (quantity === 1 || /s$/.test(name)) return name;
  return `${name}s`;
}
