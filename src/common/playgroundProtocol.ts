// The one message protocol between the playground page (src/webview/playground.ts) and its host
// (src/playground/playgroundPanel.ts): every message either side posts is one of these types, so a
// change on one side that the other does not follow fails the type check. Types only (and the
// empty form); the checks both sides run on a form are in callForm.ts.
import type { FieldPath, MediaKind } from './schemaForm';
import type { CallTimings } from './callTimings';
import type { CatalogueEntry } from './catalogueSearch';
import type { CallMethod, PlatformOptions } from './callModel';
import type { QueueWaitFacts } from './recordText';
import type { OutputView } from './outputPreview';

export type PlaygroundMethod = CallMethod;

/** Everything the form holds; saved by the webview so a reload or a restart loses nothing typed. */
export interface PlaygroundForm {
  readonly endpointId: string;
  readonly method: PlaygroundMethod;
  /** The JSON input as typed, valid or not. */
  readonly inputText: string;
  readonly platform: PlatformOptions;
  /** Custom headers as typed, one `Name: value` per line. */
  readonly headersText: string;
  /** Submit only: where fal POSTs the result when the request ends. */
  readonly webhookUrl?: string;
}

export const EMPTY_FORM: PlaygroundForm = {
  endpointId: 'sandbox/image',
  method: 'subscribe',
  inputText: '{\n  "prompt": "a red fox in the snow"\n}\n',
  platform: {},
  headersText: '',
};

export interface LogLine {
  readonly level: string;
  readonly message: string;
  readonly timestamp?: string;
}

/** What the webview shows of the call in flight or the last one. */
export interface CallView {
  readonly recordId?: string;
  readonly method: PlaygroundMethod;
  readonly endpointId: string;
  /** "queued · position 2", "in progress", "completed · 1.23 s", "failed · 422"... */
  readonly status: string;
  /**
   * While queued: what the page needs to say, by its own clock, why the call waits (time in queue,
   * whether the position moves, start-timeout time left; recordText's `describeQueueWait`).
   */
  readonly queueWait?: QueueWaitFacts;
  readonly running: boolean;
  readonly requestId?: string;
  readonly logs: readonly LogLine[];
  /**
   * Stream events (stream method) the page has not had yet, oldest first: the host sends each event
   * once, so a post costs what it adds. `eventsFrom` is the index of the first of them in the whole
   * stream; when it is not where the page's own list ends, the page starts its list afresh. Each is
   * its text (eventText: the JSON, cut at 2,000 characters), shown as it is.
   */
  readonly events?: readonly string[];
  readonly eventsFrom?: number;
  /** How many events the call has had in all (the page keeps the newest MAX_VIEW_EVENTS). */
  readonly eventCount?: number;
  /**
   * The output as the page shows it (outputPreview.ts): a bounded preview for the JSON tree and the
   * text blocks. The whole output stays with the host, which Copy Value asks (`copyOutputValue`).
   */
  readonly output?: OutputView;
  /** The media of the output, in document order, as the page may show them (the host maps and checks their URLs). */
  readonly media?: readonly MediaView[];
  /** Round trip, time in queue and fal's inference time (so far, while it runs). */
  readonly timings?: CallTimings;
  /** A completed call's estimated cost, "$0.05 (2 images × $0.025)", when its price is known. */
  readonly cost?: string;
  readonly error?: {
    readonly message: string;
    readonly hint?: string;
    readonly fields?: readonly FieldError[];
  };
}

/** A media value of the output as the page shows it (outputMedia.ts found it; the host decided its source). */
export interface MediaView {
  /** Where it sits in the output, e.g. `['images', 0]`. */
  readonly path: FieldPath;
  readonly kind: MediaKind;
  /** The URL as the output gives it: what Copy URL copies, Save downloads and Open Externally opens. */
  readonly url: string;
  /**
   * The URL the page loads: `url`, or for a sandbox on this machine the URL VS Code maps it to
   * (`env.asExternalUri`, e.g. code-server's `/proxy/<port>/`); absent when the page may not load it.
   */
  readonly src?: string;
  /** Set when the page may not load it: the host its URL names. */
  readonly blockedHost?: string;
  /** True when that host can be allowed (an https host): the page offers "Show media from this host". */
  readonly canAllow?: boolean;
  readonly contentType?: string;
  /** The file's name (fal's `file_name`, or the URL's last segment). */
  readonly name: string;
  /** Its size in bytes, when the output says. */
  readonly size?: number;
  readonly width?: number;
  readonly height?: number;
}

export interface FieldError {
  readonly field: string;
  readonly message: string;
}

/** A JSON Schema as plain data (src/fal/schema.ts's EndpointSchema.input). */
export type InputSchema = Readonly<Record<string, unknown>>;

/** Host → webview. */
export type HostMessage =
  /** Once per page load: where calls go, and the form as last saved by the host (fresher than webview state). */
  | { readonly type: 'init'; readonly target: string; readonly form?: PlaygroundForm }
  /** What the endpoint picker offers: the ids used lately (newest first), and the target's catalogue. */
  | {
      readonly type: 'endpoints';
      readonly recent: readonly string[];
      /** The target's catalogue, for the endpoint picker's search (catalogueSearch.ts). */
      readonly catalogue?: readonly CatalogueEntry[];
    }
  | { readonly type: 'target'; readonly target: string }
  /** Replace the form (e.g. "Open in Playground" on a request of the Requests view). */
  | { readonly type: 'form'; readonly form: PlaygroundForm }
  | {
      readonly type: 'example';
      readonly endpointId: string;
      readonly inputText: string;
      readonly fields: readonly string[];
    }
  | { readonly type: 'call'; readonly call: CallView }
  /**
   * The input JSON Schema of an endpoint (refs inlined), for the JSON editor's checks, completion and
   * hover; sent when the endpoint id is set. No schema: the endpoint has none, or it could not be had.
   */
  | { readonly type: 'schema'; readonly endpointId: string; readonly schema?: InputSchema }
  /** Call as the Call button would (VS Code's Ctrl/Cmd+Enter keybinding); the page answers with `call`. */
  | { readonly type: 'callRequested' }
  | FileMessage
  /** The unit price of an endpoint at the target, "$0.025 / image"; absent when none is known. */
  | { readonly type: 'price'; readonly endpointId: string; readonly price?: string }
  | { readonly type: 'problem'; readonly message: string }
  | RealtimeHostMessage;

/** Webview → host. */
export type WebviewMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'call'; readonly form: PlaygroundForm }
  /** The form changed: the host saves it at once, so a reload right after loses nothing. */
  | { readonly type: 'form'; readonly form: PlaygroundForm }
  | { readonly type: 'cancel' }
  /** Copy the form's call as code (the host asks which language). */
  | { readonly type: 'copyAsCode'; readonly form: PlaygroundForm }
  /** Save the form's call as a request file (`*.fal.json`; the host asks where). */
  | { readonly type: 'saveAsRequestFile'; readonly form: PlaygroundForm }
  | { readonly type: 'example'; readonly endpointId: string }
  | { readonly type: 'openOutput' }
  | { readonly type: 'setApiKey' }
  /**
   * Put a file into the field at `path`: one the user picks in the host's open dialog (no `uri`),
   * or one dropped from the Explorer (its URI). `inline` for realtime (a data URL, no upload).
   */
  | { readonly type: 'placeFile'; readonly path: FieldPath; readonly uri?: string; readonly inline?: boolean }
  /** Put a pasted file's bytes (base64) into the field at `path`. */
  | {
      readonly type: 'placeFileData';
      readonly path: FieldPath;
      readonly name: string;
      readonly contentType: string;
      readonly base64: string;
      readonly inline?: boolean;
    }
  /** Stop the upload into the field at `path`. */
  | { readonly type: 'cancelFile'; readonly path: FieldPath }
  /** Save the `index`-th media item of the call shown (its `url`, as a check) where the user picks. */
  | { readonly type: 'saveMedia'; readonly index: number; readonly url: string }
  /** Save every media item of the call shown into a folder the user picks. */
  | { readonly type: 'saveAllOutputs' }
  /** Put the value at `path` of the output of the call shown (record `recordId`) on the clipboard: the host holds it whole. */
  | { readonly type: 'copyOutputValue'; readonly recordId: string; readonly path: FieldPath }
  /** Put text on the clipboard (a URL, a JSON path); `what` names it for the status bar. */
  | { readonly type: 'copyText'; readonly text: string; readonly what: string }
  /** Open a media URL outside VS Code (the host opens http(s) URLs only). */
  | { readonly type: 'openExternal'; readonly url: string }
  /** Let the page load media from `host` (added to `fal.mediaHosts`). */
  | { readonly type: 'allowMediaHost'; readonly host: string }
  | RealtimeWebviewMessage;

/** A file put into a field, as the page shows it. */
export interface PlacedFileView {
  readonly url: string;
  readonly name: string;
  readonly contentType: string;
  readonly size: number;
}

/** Host → webview: how a `placeFile` goes (progress, the file placed, or why not, the field left as it was). */
export type FileMessage =
  | { readonly type: 'fileProgress'; readonly path: FieldPath; readonly sent: number; readonly total: number }
  | { readonly type: 'filePlaced'; readonly path: FieldPath; readonly file: PlacedFileView }
  /** `message` empty: nothing was chosen (the dialog closed); the field just stops waiting. */
  | { readonly type: 'fileFailed'; readonly path: FieldPath; readonly message: string };

/** Stream events the playground keeps and shows; older ones are counted, not kept. */
export const MAX_VIEW_EVENTS = 1000;

// ---- The realtime session (issue 10 items 5, 6): src/playground/realtimeSession.ts (host) and
// src/webview/realtimeSessionView.ts with frameInspector.ts (page). ----

export type RealtimeSessionState = 'disconnected' | 'connecting' | 'connected';

export interface RealtimeSessionOptions {
  /** `max_buffering` for the server (1..60); undefined: the server's default. */
  readonly maxBuffering?: number;
  /** ms between sends; 0: every send goes. Sends in between are skipped but for the latest. */
  readonly throttleMs: number;
}

/** One frame on the session's socket, as the inspector shows it. */
export interface RealtimeFrameView {
  /** Its number in the session (all frames, both ways). */
  readonly id: number;
  readonly direction: 'sent' | 'received';
  /** Epoch ms. */
  readonly at: number;
  /** Bytes on the wire. */
  readonly size: number;
  /** A binary (msgpack) frame's bytes, base64; absent when too large to send to the page. */
  readonly base64?: string;
  /** A text frame's text. */
  readonly text?: string;
  /** A sent frame's number on its connection; on a received frame, that of the send it answers. */
  readonly ordinal?: number;
  /** A received answer to a cancelled send: dropped. */
  readonly dropped?: boolean;
}

export type RealtimeSendState =
  /** Held by the throttle, or until fewer sends are in flight than max buffering allows. */
  | 'waiting'
  | 'sent'
  | 'answered'
  | 'cancelled'
  | 'failed'
  /** Replaced by a later send within the throttle interval: never sent. */
  | 'skipped';

/** One Send of the session and how it went. */
export interface RealtimeSendView {
  readonly id: number;
  /** Its record in the Requests view (none when skipped). */
  readonly recordId?: string;
  readonly state: RealtimeSendState;
  /** When Send was pressed (epoch ms). */
  readonly at: number;
  /** Its input frame's number on the connection. */
  readonly ordinal?: number;
  /** From its input frame going out to its output frame coming in. */
  readonly latencyMs?: number;
  /** Bytes of its output frame. */
  readonly size?: number;
  /** Its output, binary values as "<N bytes>". */
  readonly output?: unknown;
  readonly error?: string;
}

export interface RealtimeEventView {
  /** Epoch ms. */
  readonly at: number;
  readonly kind: 'state' | 'token' | 'send' | 'answer' | 'cancel' | 'drop' | 'skip' | 'error' | 'control';
  readonly text: string;
}

/** Host → webview, realtime session. */
export type RealtimeHostMessage =
  | {
      readonly type: 'realtimeSession';
      readonly state: RealtimeSessionState;
      /** The endpoint the session is (or was last) connected to. */
      readonly endpointId?: string;
      readonly options: RealtimeSessionOptions;
      /** When the session's first event happened (the timeline's zero). */
      readonly startedAt?: number;
    }
  /** What happened since the last batch (sends: the changed ones, whole); `reset`: everything, start afresh. */
  | {
      readonly type: 'realtimeBatch';
      readonly reset?: boolean;
      readonly frames: readonly RealtimeFrameView[];
      readonly sends: readonly RealtimeSendView[];
      readonly events: readonly RealtimeEventView[];
    };

/** Webview → host, realtime session. */
export type RealtimeWebviewMessage =
  | { readonly type: 'realtimeConnect'; readonly endpointId: string }
  | { readonly type: 'realtimeDisconnect' }
  /** Send the form's input (the page's Call, or Ctrl/Cmd+Enter, while the method is realtime). */
  | { readonly type: 'realtimeSend'; readonly form: PlaygroundForm }
  | { readonly type: 'realtimeCancel'; readonly id: number }
  | { readonly type: 'realtimeOptions'; readonly options: RealtimeSessionOptions };
