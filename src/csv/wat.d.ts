// esbuild.mjs compiles `.wat` modules to WebAssembly at build time and embeds their bytes.
declare module '*.wat' {
  const bytes: Uint8Array;
  export default bytes;
}

// The few WebAssembly JS API types the scanner uses: TypeScript has them only in lib.dom, which
// the extension host's code does not load.
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Instance {
    constructor(module: Module, imports?: object);
    readonly exports: Record<string, unknown>;
  }
  interface Memory {
    readonly buffer: ArrayBuffer;
    grow(pages: number): number;
  }
  interface Global {
    value: unknown;
  }
}
