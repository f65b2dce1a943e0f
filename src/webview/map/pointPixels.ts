// Points written straight into a canvas's pixels: one square of its colour for each point,
// then one putImageData. Chromium records every canvas path operation and rasterises them at
// the frame's commit, on the window's own thread (the workbench and its webviews share it):
// 100,000 points as rectangles of a path held that thread about 200 ms at each full paint, where
// writing their pixels here takes a few milliseconds. Needs no DOM: tested in plain Node.

export class PointPixels {
  width = 0;
  height = 0;
  private words = new Uint32Array(0);
  /** The pixels as RGBA bytes, for an ImageData over the same memory. */
  bytes = new Uint8ClampedArray(0);
  /** The box written since the last `takeDirty()`: [x0, y0, x1, y1), empty when x0 >= x1. */
  private dirty = [Infinity, Infinity, -Infinity, -Infinity];

  /** A cleared buffer of `width` × `height` pixels; its memory is kept when the size is the same. */
  reset(width: number, height: number): void {
    if (width !== this.width || height !== this.height) {
      this.width = width;
      this.height = height;
      this.words = new Uint32Array(width * height);
      this.bytes = new Uint8ClampedArray(this.words.buffer);
    } else {
      this.words.fill(0);
    }
    this.dirty = [0, 0, width, height];
  }

  /** A `size` × `size` square of `word` (see rgbaWord) whose top left pixel is (x, y), clipped
   * to the buffer. */
  square(x: number, y: number, size: number, word: number): void {
    const x0 = Math.max(0, x);
    const y0 = Math.max(0, y);
    const x1 = Math.min(this.width, x + size);
    const y1 = Math.min(this.height, y + size);
    if (x0 >= x1 || y0 >= y1) return;
    const words = this.words;
    const width = this.width;
    const w = x1 - x0;
    // Plain stores: a fill() call per row of a 6-pixel square cost more than its writes.
    for (let at = y0 * width + x0, end = y1 * width; at < end; at += width) {
      for (let i = 0; i < w; i++) words[at + i] = word;
    }
    const d = this.dirty;
    if (x0 < d[0]) d[0] = x0;
    if (y0 < d[1]) d[1] = y0;
    if (x1 > d[2]) d[2] = x1;
    if (y1 > d[3]) d[3] = y1;
  }

  /** The pixel at (x, y) as written (0 where nothing was). */
  at(x: number, y: number): number {
    return this.words[y * this.width + x];
  }

  /** The box written since the last call, as [x, y, width, height] (undefined if none), for
   * a putImageData that copies only that part. */
  takeDirty(): [number, number, number, number] | undefined {
    const [x0, y0, x1, y1] = this.dirty;
    this.dirty = [Infinity, Infinity, -Infinity, -Infinity];
    return x0 < x1 && y0 < y1 ? [x0, y0, x1 - x0, y1 - y0] : undefined;
  }
}

/** Red, green, blue and alpha (0–255) as one pixel of a Uint32Array over ImageData bytes,
 * which are in that order in memory: little-endian (every browser VS Code runs in) puts red
 * in the low byte. */
export function rgbaWord(r: number, g: number, b: number, a: number): number {
  return ((a & 255) << 24 | (b & 255) << 16 | (g & 255) << 8 | (r & 255)) >>> 0;
}
