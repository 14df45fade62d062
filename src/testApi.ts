// The gate on what `activate` returns. Its API reaches the key store, the connection and the records,
// so it is for this extension's own integration tests only: any installed extension can call
// `activate()` on ours and read what it returns. Outside `ExtensionMode.Test` the answer is nothing.
// No `vscode` import, so a unit test can check the gate in plain Node.

/** `vscode.ExtensionMode`'s values (Production 1, Development 2, Test 3). */
export const EXTENSION_MODE = { Production: 1, Development: 2, Test: 3 } as const;

/** `make()` in test mode, undefined in any other (make is not even called). */
export function testApiOnly<T>(extensionMode: number, make: () => T): T | undefined {
  return extensionMode === EXTENSION_MODE.Test ? make() : undefined;
}
