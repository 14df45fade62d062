// A minimal event emitter with VS Code's `Event` shape (subscribe with a listener, get back something
// to dispose), so models such as the request store fire events without `vscode` and run in plain
// Node tests, while the tree and the status bar subscribe to them as to any VS Code event.

export interface Disposable {
  dispose(): void;
}

export type Event<T> = (listener: (value: T) => void) => Disposable;

export class Emitter<T> implements Disposable {
  private listeners: Array<(value: T) => void> = [];

  readonly event: Event<T> = (listener) => {
    this.listeners.push(listener);
    return {
      dispose: () => {
        this.listeners = this.listeners.filter((l) => l !== listener);
      },
    };
  };

  /** Calls every listener; one that throws does not keep the others from hearing it. */
  fire(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (err) {
        console.error(err);
      }
    }
  }

  dispose(): void {
    this.listeners = [];
  }
}
