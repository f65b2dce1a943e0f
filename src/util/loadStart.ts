// Imported first by extension.ts so that this line runs before any other module of the
// bundle: the start of code loading, for the activation benchmark.
export const loadStart = performance.now();
