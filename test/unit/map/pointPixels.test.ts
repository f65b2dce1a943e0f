// The map's point pixels in plain Node: squares written into the buffer, clipped at its
// edges, the box a putImageData must copy, and pixel words in ImageData's byte order.

import assert from 'node:assert/strict';
import { PointPixels, rgbaWord } from '../../../src/webview/map/pointPixels';

describe('map point pixels', () => {
  it('writes a square of the word and nothing around it', () => {
    const pixels = new PointPixels();
    pixels.reset(10, 8);
    pixels.square(2, 3, 3, 7);
    const written: string[] = [];
    for (let y = 0; y < 8; y++) for (let x = 0; x < 10; x++) if (pixels.at(x, y)) written.push(`${x},${y}=${pixels.at(x, y)}`);
    assert.deepEqual(written, ['2,3=7', '3,3=7', '4,3=7', '2,4=7', '3,4=7', '4,4=7', '2,5=7', '3,5=7', '4,5=7']);
    assert.deepEqual(pixels.takeDirty(), [0, 0, 10, 8], 'a reset makes the whole buffer due, cleared');
    assert.equal(pixels.takeDirty(), undefined, 'nothing written since');
  });

  it('clips squares at every edge and tracks the box written since the last copy', () => {
    const pixels = new PointPixels();
    pixels.reset(6, 5);
    pixels.takeDirty();
    pixels.square(-2, -2, 3, 1);
    pixels.square(5, 4, 3, 2);
    pixels.square(10, 1, 3, 3);
    assert.equal(pixels.at(0, 0), 1);
    assert.equal(pixels.at(1, 0), 0);
    assert.equal(pixels.at(5, 4), 2);
    assert.deepEqual(pixels.takeDirty(), [0, 0, 6, 5]);
    pixels.square(2, 1, 2, 4);
    assert.deepEqual(pixels.takeDirty(), [2, 1, 2, 2], 'only the new square is due');
    assert.equal(pixels.at(0, 0), 1, 'what was written stays until the next reset');
  });

  it('clears on a reset of the same size and makes a new buffer for another size', () => {
    const pixels = new PointPixels();
    pixels.reset(4, 4);
    pixels.square(0, 0, 4, 9);
    const bytes = pixels.bytes;
    pixels.reset(4, 4);
    assert.equal(pixels.bytes, bytes, 'the same memory');
    assert.equal(pixels.at(3, 3), 0);
    pixels.reset(5, 3);
    assert.equal(pixels.bytes.length, 5 * 3 * 4);
  });

  it('puts red, green, blue and alpha in ImageData byte order', () => {
    const pixels = new PointPixels();
    pixels.reset(1, 1);
    pixels.square(0, 0, 1, rgbaWord(0x37, 0x94, 0xff, 0x80));
    assert.deepEqual([...pixels.bytes], [0x37, 0x94, 0xff, 0x80]);
  });
});
