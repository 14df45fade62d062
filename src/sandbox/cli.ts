// Command line of the local fal-compatible sandbox: `npm run sandbox -- --port 8787`.
console.log('fal sandbox: not built yet');
