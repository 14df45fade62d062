// Browser side of the playground webview. The panel arrives in a later issue; this bundle exists now
// so the build already produces and tests the browser target.
export {};
