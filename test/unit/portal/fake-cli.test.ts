// The fake portal's command line: argument parsing and a real process that prints its URL.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { parseCliArgs, parseFaultSpec } from '../../portal/cli';

describe('fake portal CLI', () => {
  it('parses fault specs', () => {
    assert.deepEqual(parseFaultSpec('latency:/api:250'), { kind: 'latency', path: '/api', ms: 250 });
    assert.deepEqual(parseFaultSpec('status5xx:502'), { kind: 'status5xx', status: 502 });
    assert.deepEqual(parseFaultSpec('rateLimit:/services/:30'), { kind: 'rateLimit', path: '/services/', retryAfterSeconds: 30 });
    assert.deepEqual(parseFaultSpec('botChallenge:/services/portal'), { kind: 'botChallenge', path: '/services/portal' });
    assert.throws(() => parseFaultSpec('explode'), /Unknown fault kind/);
    assert.deepEqual(parseCliArgs(['--port', '0', '--seed=4', '--big-rows', '10', '--fault', 'reset']), { port: 0, seed: 4, bigRows: 10, faults: [{ kind: 'reset' }] });
    assert.throws(() => parseCliArgs(['--port', 'x']), /integer/);
  });

  it('starts, prints its URL, serves with the given faults and stops on SIGTERM', async function () {
    this.timeout(15000);
    const child = spawn(process.execPath, [join(__dirname, '../../portal/cli.js'), '--port', '0', '--seed', '3', '--big-rows', '100', '--fault', 'rateLimit:/api/search:9'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const m = /OKC fake portal listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(out);
          if (m) resolve(m[1]);
        });
        child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
      });
      const health = await fetch(`${url}/__fake/health`);
      assert.equal(health.status, 200);
      const limited = await fetch(`${url}/api/search/v1/collections/collectiondm3n84mi/items`);
      assert.equal(limited.status, 429);
      assert.equal(limited.headers.get('retry-after'), '9');
      await limited.text();
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
