// Who is watching a record: the playground showing it, or the progress notification of a palette call.
// The completion notifier (completionNotifier.ts) tells of a call's end only when nobody is, so a
// call that ends in front of the user raises no notification. A plain model: each watcher registers
// and gets back something to dispose when it stops watching.
import type { Disposable } from '../common/emitter';

export class RecordWatchers {
  /** How many watchers each record has. */
  private readonly counts = new Map<string, number>();

  /** `id` is watched until the result is disposed (disposing twice counts once). */
  watch(id: string): Disposable {
    this.counts.set(id, (this.counts.get(id) ?? 0) + 1);
    let watching = true;
    return {
      dispose: () => {
        if (!watching) return;
        watching = false;
        const left = (this.counts.get(id) ?? 1) - 1;
        if (left > 0) this.counts.set(id, left);
        else this.counts.delete(id);
      },
    };
  }

  isWatched(id: string): boolean {
    return this.counts.has(id);
  }
}
