// The one message protocol between the image comparison page (src/webview/imageCompare.ts) and its
// host (src/playground/imageComparePanel.ts). Types only.
import type { MediaView } from './playgroundProtocol';

/** One side of the comparison: a request's name and its output's images (as the host mapped them). */
export interface CompareSide {
  readonly label: string;
  readonly images: readonly MediaView[];
}

export type ImageCompareHostMessage =
  | { readonly type: 'compare'; readonly left: CompareSide; readonly right: CompareSide }
  /** The bytes of an image the page could not read back from its URL (no CORS), as a data URL. */
  | { readonly type: 'imageData'; readonly url: string; readonly dataUrl?: string; readonly error?: string };

export type ImageCompareWebviewMessage =
  | { readonly type: 'ready' }
  /** Asks for an image's bytes (`url` as the host sent it): its pixels could not be read from its `src`. */
  | { readonly type: 'fetchImage'; readonly url: string }
  /** What the page computed (shown to the user; kept by the host for tests). */
  | {
      readonly type: 'compared';
      readonly index: number;
      readonly percent: number;
      readonly differing: number;
      readonly total: number;
      readonly sameSize: boolean;
      readonly threshold: number;
    }
  | { readonly type: 'failed'; readonly index: number; readonly message: string };
