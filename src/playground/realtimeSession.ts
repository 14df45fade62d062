// The playground's realtime session (method realtime): one connection owned by the panel while it
// lives, so switching editors keeps it, closed with the panel. Each Send is a call through the
// RequestRunner on this connection, so it is a record in the Requests view like any realtime call
// (its input, output, state, Call Again), and cancel and timeout follow PairedRealtime's rules for
// pairing by order. The client's observer gives every frame both ways, the connection's states and
// token fetches; the session keeps the newest of them and posts what is new to the page in batches
// (and all of it again when the page reloads), so a busy socket costs one message per BATCH_MS.
import { checkForm } from '../common/callForm';
import { targetKey, type CallSpec, type RequestRecord } from '../common/callModel';
import type { Disposable } from '../common/emitter';
import type {
  HostMessage,
  PlaygroundForm,
  RealtimeEventView,
  RealtimeFrameView,
  RealtimeSendView,
  RealtimeSessionOptions,
  RealtimeSessionState,
} from '../common/playgroundProtocol';
import {
  capFramePayloads,
  frameContentChars,
  describeBytes,
  describeLatency,
  frameControl,
  inspectable,
} from '../common/realtimeFrames';
import { checkRealtimeOptions } from '../common/realtimeOptions';
import type { Connection } from '../connection/falConnection';
import { FalAbortError } from '../fal/errors';
import { throttleLatest, type RealtimeEvent, type RealtimeInput } from '../fal/realtime';
import { PairedRealtime } from '../requests/pairedRealtime';
import type { RecordWatchers } from '../requests/recordWatchers';
import type { RequestRunner } from '../requests/requestRunner';

/** How often what is new is posted to the page, at most. */
const BATCH_MS = 50;
/** What the session keeps (and the page shows): the newest frames, events and sends. */
export const MAX_SESSION_FRAMES = 500;
const MAX_SESSION_EVENTS = 1000;
const MAX_SESSION_SENDS = 500;
/** Frames larger than this go to the page as their size only. */
const MAX_FRAME_BYTES_SHOWN = 1024 * 1024;
/** The frames' contents kept in all (base64 characters); older frames keep their size only. */
const MAX_KEPT_FRAME_CHARS = 16 * 1024 * 1024;

export interface RealtimeSessionServices {
  /** A ready client for the current target. */
  connection(): Promise<Connection>;
  readonly runner: RequestRunner;
  /** How long a send waits for its output before the connection is reset ("fal.realtime.timeoutSeconds"). */
  timeoutMs(): number;
  /** The session shows its sends: each is watched while it runs, so its end raises no notification. */
  readonly watchers: RecordWatchers;
  post(message: HostMessage): void;
}

interface Send {
  view: RealtimeSendView;
  readonly call: CallSpec;
  record?: RequestRecord;
  /** performance.now() when its input frame went out, and when its output frame came in. */
  sentAt?: number;
  answeredAt?: number;
}

interface Link {
  readonly paired: PairedRealtime;
  readonly endpointId: string;
  readonly targetKey: string;
  readonly connection: Connection;
  /** The sends of this connection by their input frame's number. */
  readonly byOrdinal: Map<number, Send>;
}

export class RealtimeSession implements Disposable {
  private state: RealtimeSessionState = 'disconnected';
  private endpointId: string | undefined;
  private options: RealtimeSessionOptions = { throttleMs: 0 };
  private link: Link | undefined;
  private startedAt: number | undefined;
  private frames: RealtimeFrameView[] = [];
  /** The characters of content (base64 or text) the kept frames hold. */
  private frameChars = 0;
  private readonly sends = new Map<number, Send>();
  private events: RealtimeEventView[] = [];
  private batch: { frames: RealtimeFrameView[]; sends: Set<number>; events: RealtimeEventView[] } = {
    frames: [],
    sends: new Set(),
    events: [],
  };
  private batchTimer: ReturnType<typeof setTimeout> | undefined;
  private nextFrameId = 1;
  private nextSendId = 1;
  private throttle: { call: (send: Send) => void; cancel: () => void } | undefined;
  /** Sends in flight, and those held until fewer are (max buffering). */
  private inFlight = 0;
  private held: Array<() => void> = [];
  private disposed = false;

  constructor(private readonly services: RealtimeSessionServices) {}

  /** What the session holds now (for tests). */
  get snapshot(): {
    readonly state: RealtimeSessionState;
    readonly endpointId?: string;
    readonly options: RealtimeSessionOptions;
    readonly frames: readonly RealtimeFrameView[];
    readonly sends: readonly RealtimeSendView[];
    readonly events: readonly RealtimeEventView[];
  } {
    return {
      state: this.state,
      endpointId: this.endpointId,
      options: this.options,
      frames: [...this.frames],
      sends: [...this.sends.values()].map((s) => s.view),
      events: [...this.events],
    };
  }

  /** Opens the connection to `endpointId` (closing one to another endpoint). */
  async connect(endpointId: string): Promise<void> {
    const connection = await this.services.connection();
    this.linkFor(connection, endpointId).paired.socket.open();
  }

  /** Closes the connection; sends waiting for their output fail saying so. */
  disconnect(): void {
    this.closeLink();
  }

  /**
   * Sends the form's input on the session's connection (opening it, or reconnecting when the
   * endpoint or the target changed). Returns what is wrong with the form, if anything.
   */
  send(form: PlaygroundForm): string | undefined {
    const checked = checkForm({ ...form, method: 'realtime' });
    if (!checked.call) return checked.first;
    const send: Send = {
      view: { id: this.nextSendId++, state: 'waiting', at: Date.now() },
      call: checked.call,
    };
    this.sends.set(send.view.id, send);
    this.trimSends();
    this.changed(send);
    if (this.options.throttleMs > 0) {
      this.throttle ??= throttleLatest<Send>(
        (s) => void this.dispatch(s),
        this.options.throttleMs,
        (s) => this.skip(s),
      );
      this.throttle.call(send);
    } else void this.dispatch(send);
    return undefined;
  }

  /** Cancels a send: its record ends CANCELLED, and its output, when it comes, is dropped. */
  async cancel(id: number): Promise<void> {
    const send = this.sends.get(id);
    if (!send || sendEnded(send.view)) return;
    // Not started yet (held by the throttle): it never will be.
    if (send.record) await this.services.runner.cancel(send.record);
    this.update(send, { state: 'cancelled' });
    this.event('cancel', `#${id} cancelled${send.view.ordinal ? ' (sent: its output will be dropped)' : ''}`);
  }

  /** New options; a changed max buffering reconnects (it is a parameter of the connection's URL). */
  setOptions(options: RealtimeSessionOptions): string | undefined {
    const problem = checkRealtimeOptions(options);
    if (problem) return problem;
    const { maxBuffering, throttleMs } = options;
    const reconnect = maxBuffering !== this.options.maxBuffering && this.link !== undefined;
    this.options = { maxBuffering, throttleMs };
    // A send the old throttle held is not sent: it shows as skipped, not waiting for ever.
    const held = this.throttle?.cancel();
    this.throttle = undefined;
    if (held) this.skip(held);
    if (reconnect && this.link) {
      const { endpointId, connection } = this.link;
      const wasOpen = this.state !== 'disconnected';
      this.closeLink();
      if (wasOpen) this.linkFor(connection, endpointId).paired.socket.open();
    }
    this.postState();
    return undefined;
  }

  /** The page (re)loaded: it gets the whole session. */
  replay(): void {
    clearTimeout(this.batchTimer);
    this.batchTimer = undefined;
    this.batch = { frames: [], sends: new Set(), events: [] };
    this.postState();
    this.services.post({
      type: 'realtimeBatch',
      reset: true,
      frames: this.frames,
      sends: [...this.sends.values()].map((s) => s.view),
      events: this.events,
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.batchTimer);
    this.throttle?.cancel();
    // The panel closed: its sends still waiting end cancelled, not failed.
    for (const send of this.sends.values()) {
      if (send.record && !sendEnded(send.view)) void this.services.runner.cancel(send.record).catch(() => {});
    }
    for (const release of this.held.splice(0)) release();
    this.closeLink();
  }

  // ---- sending ----

  /** Starts the send's call on the session's connection; it is a record from then on. */
  private async dispatch(send: Send): Promise<void> {
    if (send.view.state !== 'waiting' || this.disposed) return; // cancelled while the throttle held it
    const { endpointId } = send.call;
    let watching: Disposable | undefined;
    try {
      const connection = await this.services.connection();
      // Cancelled while the connection came (the embedded sandbox starting): never sent.
      if (isCancelled(send)) return;
      this.linkFor(connection, endpointId);
      const started = await this.services.runner.start(send.call, {
        realtime: this.requester(send, endpointId),
        onRecord: (record) => {
          watching = this.services.watchers.watch(record.id);
          send.record = record;
          // Cancelled while the runner made the record: the record ends CANCELLED, its output dropped.
          if (isCancelled(send)) void this.services.runner.cancel(record);
        },
      });
      send.record = started.record;
      this.update(send, { recordId: started.record.id });
      this.settle(send, await started.done);
    } catch (err) {
      this.update(send, { state: 'failed', error: err instanceof Error ? err.message : String(err) });
      this.event('error', `#${send.view.id} was not sent: ${send.view.error}`);
    } finally {
      watching?.dispose();
    }
  }

  /** Where the runner sends this send's input: the session's connection, when max buffering allows. */
  private requester(send: Send, endpointId: string) {
    return {
      request: async (input: RealtimeInput, signal: AbortSignal): Promise<unknown> => {
        await this.slot(signal);
        this.inFlight += 1;
        try {
          if (this.disposed) throw new FalAbortError();
          const link = this.linkFor(this.link?.connection ?? (await this.services.connection()), endpointId);
          return await link.paired.request(input, signal, (ordinal) => {
            send.sentAt = performance.now();
            link.byOrdinal.set(ordinal, send);
            this.update(send, { state: 'sent', ordinal });
            this.event('send', `#${send.view.id} sent to ${endpointId} (frame ${ordinal})`);
          });
        } finally {
          this.inFlight -= 1;
          this.held.shift()?.();
        }
      },
    };
  }

  /**
   * Resolves once fewer sends are in flight than max buffering + 1: the server keeps at most that
   * many and drops the oldest, which would break the pairing by order. Rejects when given up.
   */
  private slot(signal: AbortSignal): Promise<void> {
    const limit = this.options.maxBuffering === undefined ? Infinity : this.options.maxBuffering + 1;
    if (this.inFlight < limit) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const go = (): void => {
        signal.removeEventListener('abort', giveUp);
        resolve();
      };
      const giveUp = (): void => {
        this.held = this.held.filter((h) => h !== go);
        reject(new FalAbortError());
      };
      signal.addEventListener('abort', giveUp, { once: true });
      this.held.push(go);
    });
  }

  private settle(send: Send, record: RequestRecord): void {
    send.record = record;
    if (isCancelled(send)) return; // the user's word stands, whatever came back
    if (record.state === 'COMPLETED') {
      const latencyMs =
        send.sentAt !== undefined && send.answeredAt !== undefined
          ? send.answeredAt - send.sentAt
          : undefined;
      this.update(send, { state: 'answered', latencyMs });
      this.event(
        'answer',
        `#${send.view.id} answered${latencyMs === undefined ? '' : ` in ${describeLatency(latencyMs)}`}${
          send.view.size === undefined ? '' : ` (${describeBytes(send.view.size)})`
        }`,
      );
    } else if (record.state === 'CANCELLED') {
      this.update(send, { state: 'cancelled' });
    } else {
      const error = record.error?.message ?? 'failed';
      this.update(send, { state: 'failed', error });
      this.event('error', `#${send.view.id} failed: ${error}`);
    }
  }

  private skip(send: Send): void {
    this.update(send, { state: 'skipped' });
    this.event(
      'skip',
      `#${send.view.id} skipped: a later send replaced it within the ${this.options.throttleMs} ms throttle`,
    );
  }

  // ---- the connection ----

  /** The connection to `endpointId` on `connection`'s target, opened lazily; another is closed first. */
  private linkFor(connection: Connection, endpointId: string): Link {
    const key = targetKey(connection.target);
    const current = this.link;
    if (current && !current.paired.isReset && current.endpointId === endpointId && current.targetKey === key)
      return current;
    this.closeLink();
    const byOrdinal = new Map<number, Send>();
    // The link's callbacks need the link, made once the socket is: through this box.
    const mine: { link?: Link } = {};
    const socket = connection.client.realtime.connect<unknown>(endpointId, {
      // Every output is claimed by a send, or dropped for a send given up.
      onResult: () => {},
      onError: (err) => {
        if (mine.link && this.link === mine.link) this.event('error', err.message);
      },
      maxBuffering: this.options.maxBuffering,
      observer: (event) => {
        if (mine.link && this.link === mine.link) this.observe(mine.link, event);
      },
    });
    const paired = new PairedRealtime(socket, {
      endpointId,
      timeoutMs: () => this.services.timeoutMs(),
      onReset: (reason) => {
        this.event('error', reason.message);
        if (this.link === mine.link) this.link = undefined;
      },
    });
    const link: Link = { paired, endpointId, targetKey: key, connection, byOrdinal };
    mine.link = link;
    this.link = link;
    if (this.endpointId !== endpointId) {
      this.endpointId = endpointId;
      this.postState();
    }
    return link;
  }

  private closeLink(): void {
    const link = this.link;
    if (!link) return;
    link.paired.socket.close();
    this.link = undefined;
    this.setState('disconnected');
  }

  /** What the client saw: a frame, a state, a token. */
  private observe(link: Link, event: RealtimeEvent): void {
    if (event.type === 'state') {
      if (event.state === 'connecting') {
        this.setState('connecting');
        this.event('state', `connecting to ${link.endpointId}`);
      } else if (event.state === 'open') {
        this.setState('connected');
        this.event('state', `connected to ${link.endpointId}`);
      } else {
        this.setState('disconnected');
        const why = [event.reason, event.code === undefined ? '' : `code ${event.code}`].filter(Boolean);
        this.event('state', `disconnected${why.length ? `: ${why.join(', ')}` : ''}`);
      }
      return;
    }
    if (event.type === 'token') {
      const life = event.lifetimeSeconds === undefined ? '' : ` (lives ${event.lifetimeSeconds} s)`;
      this.event(
        'token',
        event.phase === 'failed' ? `token fetch failed: ${event.error ?? ''}` : `token ${event.phase}${life}`,
      );
      return;
    }
    const frame: RealtimeFrameView = {
      id: this.nextFrameId++,
      direction: event.direction,
      at: event.at,
      size: event.size,
      ...(typeof event.data === 'string'
        ? { text: event.data }
        : event.size <= MAX_FRAME_BYTES_SHOWN
          ? {
              base64: Buffer.from(event.data.buffer, event.data.byteOffset, event.data.byteLength).toString(
                'base64',
              ),
            }
          : {}),
      ...(event.ordinal !== undefined ? { ordinal: event.ordinal } : {}),
      ...(event.dropped ? { dropped: true } : {}),
    };
    this.frames.push(frame);
    this.frameChars += frameContentChars(frame);
    if (this.frames.length > MAX_SESSION_FRAMES)
      for (const gone of this.frames.splice(0, this.frames.length - MAX_SESSION_FRAMES))
        this.frameChars -= frameContentChars(gone);
    // Most frames are small: the contents are walked only once the budget is passed.
    if (this.frameChars > MAX_KEPT_FRAME_CHARS) {
      this.frames = capFramePayloads(this.frames, MAX_KEPT_FRAME_CHARS);
      this.frameChars = this.frames.reduce((n, f) => n + frameContentChars(f), 0);
    }
    this.batch.frames.push(frame);
    this.schedule();
    if (event.direction === 'sent') return;
    const decoded = event.decodeError === undefined ? event.decoded() : undefined;
    const control = frameControl(decoded);
    if (control && event.ordinal === undefined) {
      const m = decoded as Record<string, unknown>;
      const words = [m.action, m.error, m.reason].filter((w) => w !== undefined).map(String);
      this.event('control', `${control}${words.length ? `: ${words.join(' · ')}` : ''}`);
    }
    const send = event.ordinal === undefined ? undefined : link.byOrdinal.get(event.ordinal);
    if (!send) return;
    link.byOrdinal.delete(event.ordinal!);
    if (event.dropped) {
      this.event('drop', `the output of #${send.view.id} came after it was cancelled: dropped`);
      return;
    }
    send.answeredAt = performance.now();
    this.update(send, {
      size: event.size,
      ...(control || event.decodeError !== undefined ? {} : { output: inspectable(decoded) }),
    });
  }

  // ---- what the page is told ----

  private setState(state: RealtimeSessionState): void {
    if (this.state === state) return;
    this.state = state;
    this.postState();
  }

  private postState(): void {
    if (this.disposed) return;
    this.services.post({
      type: 'realtimeSession',
      state: this.state,
      endpointId: this.endpointId,
      options: this.options,
      startedAt: this.startedAt,
    });
  }

  private update(send: Send, patch: Partial<RealtimeSendView>): void {
    send.view = { ...send.view, ...patch };
    this.changed(send);
  }

  private changed(send: Send): void {
    this.batch.sends.add(send.view.id);
    this.schedule();
  }

  private event(kind: RealtimeEventView['kind'], text: string): void {
    const event: RealtimeEventView = { at: Date.now(), kind, text };
    if (this.startedAt === undefined) {
      this.startedAt = event.at;
      this.postState();
    }
    this.events.push(event);
    if (this.events.length > MAX_SESSION_EVENTS)
      this.events.splice(0, this.events.length - MAX_SESSION_EVENTS);
    this.batch.events.push(event);
    this.schedule();
  }

  /** Keeps the newest sends, dropping the oldest finished ones first. */
  private trimSends(): void {
    for (const [id, send] of this.sends) {
      if (this.sends.size <= MAX_SESSION_SENDS) break;
      if (sendEnded(send.view)) this.sends.delete(id);
    }
  }

  private schedule(): void {
    if (this.batchTimer || this.disposed) return;
    this.batchTimer = setTimeout(() => this.flush(), BATCH_MS);
  }

  private flush(): void {
    this.batchTimer = undefined;
    const { frames, sends, events } = this.batch;
    this.batch = { frames: [], sends: new Set(), events: [] };
    const views = [...sends].flatMap((id) => {
      const send = this.sends.get(id);
      return send ? [send.view] : [];
    });
    if (frames.length === 0 && views.length === 0 && events.length === 0) return;
    this.services.post({ type: 'realtimeBatch', frames, sends: views, events });
  }
}

/** A send has ended once it can change no more. */
function sendEnded(view: Pick<RealtimeSendView, 'state'>): boolean {
  return view.state !== 'waiting' && view.state !== 'sent';
}

/** Whether the user cancelled the send (read afresh: it changes while the send awaits). */
function isCancelled(send: Send): boolean {
  return send.view.state === 'cancelled';
}
