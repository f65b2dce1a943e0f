import assert from 'node:assert/strict';
import { countUtf8Errors, detectBom, Utf8Checker } from '../../../src/csv/encoding';

describe('csv encoding', () => {
  it('recognises the three byte order marks', () => {
    assert.deepEqual(detectBom(new Uint8Array([0xef, 0xbb, 0xbf, 0x61])), { encoding: 'utf-8', bom: 3 });
    assert.deepEqual(detectBom(new Uint8Array([0xff, 0xfe, 0x61, 0])), { encoding: 'utf-16le', bom: 2 });
    assert.deepEqual(detectBom(new Uint8Array([0xfe, 0xff, 0, 0x61])), { encoding: 'utf-16be', bom: 2 });
    assert.equal(detectBom(new Uint8Array([0x61, 0x62])), undefined);
  });

  it('counts invalid sequences as the decoder counts replacement characters', () => {
    const samples = [
      [0x61, 0xff, 0x62],
      [0xc3],
      [0xe2, 0x82],
      [0xe2, 0x82, 0x61],
      [0xed, 0xa0, 0x80],
      [0xf0, 0x9f, 0x98, 0x80, 0x80],
      [0xc0, 0xaf],
      [0xf4, 0x90, 0x80, 0x80],
    ];
    for (const sample of samples) {
      const bytes = new Uint8Array(sample);
      const replacements = [...new TextDecoder().decode(bytes)].filter((c) => c === '\uFFFD').length;
      assert.equal(countUtf8Errors(bytes, 0, bytes.length).errors, replacements, JSON.stringify(sample));
    }
  });

  it('checks sequences split across chunks of every size', () => {
    const bytes = new Uint8Array([...Buffer.from('añ€😀'), 0xf0, 0x9f, 0x61, ...Buffer.from('😀'), 0xe2]);
    const expected = [...new TextDecoder().decode(bytes)].filter((c) => c === '\uFFFD').length;
    for (let size = 1; size <= bytes.length; size++) {
      const checker = new Utf8Checker();
      for (let at = 0; at < bytes.length; at += size) checker.push(bytes.subarray(at, at + size), at);
      checker.finish();
      assert.equal(checker.invalidCount, expected, `chunk ${size}`);
      assert.equal(checker.firstInvalidOffset, Buffer.byteLength('añ€😀'), `chunk ${size}`);
    }
  });
});
