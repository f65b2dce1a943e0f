// Runs the fake OKC portal standalone (for the demo, manual testing and other processes):
//   node out/test/portal/cli.js --port N [--seed S] [--fault kind[:path][:ms|status]]... [--big-rows N]
// Serves until SIGINT or SIGTERM. Faults can also be switched later through /__fake/faults.

import { FAULT_KINDS, type FaultKind, type FaultRule } from './faults';
import { startFakePortal } from './server';

export interface CliOptions {
  port: number;
  seed?: number;
  bigRows?: number;
  faults: FaultRule[];
}

/**
 * `kind[:path][:number]`: the number is a status for status5xx and arcgisError (its
 * `error.code`), Retry-After seconds for
 * rateLimit and milliseconds otherwise; a path may itself hold colons only if a number follows.
 */
export function parseFaultSpec(spec: string): FaultRule {
  const parts = spec.split(':');
  const kind = parts.shift() as FaultKind;
  if (!FAULT_KINDS.includes(kind)) throw new Error(`Unknown fault kind '${kind}' (one of ${FAULT_KINDS.join(', ')})`);
  let number: number | undefined;
  if (parts.length && /^\d+$/.test(parts[parts.length - 1])) number = Number(parts.pop());
  const path = parts.join(':');
  const rule: FaultRule = { kind };
  if (path) rule.path = path;
  if (number !== undefined) {
    if (kind === 'status5xx' || kind === 'arcgisError') rule.status = number;
    else if (kind === 'rateLimit') rule.retryAfterSeconds = number;
    else rule.ms = number;
  }
  return rule;
}

export function parseCliArgs(argv: string[]): CliOptions {
  const out: CliOptions = { port: 0, faults: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    const int = (v: string): number => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} needs a non-negative integer, got '${v}'`);
      return n;
    };
    switch (flag) {
      case '--port':
        out.port = int(value());
        break;
      case '--seed':
        out.seed = int(value());
        break;
      case '--big-rows':
        out.bigRows = int(value());
        break;
      case '--fault':
        out.faults.push(parseFaultSpec(value()));
        break;
      case '--help':
      case '-h':
        throw new Error('usage');
      default:
        throw new Error(`Unknown argument '${arg}'`);
    }
  }
  return out;
}

const USAGE = 'usage: node out/test/portal/cli.js --port N [--seed S] [--fault kind[:path][:ms|status]]... [--big-rows N]';

async function main(): Promise<void> {
  let options: CliOptions;
  try {
    options = parseCliArgs(process.argv.slice(2));
  } catch (err) {
    const message = (err as Error).message;
    process.stderr.write(message === 'usage' ? `${USAGE}\n` : `${message}\n${USAGE}\n`);
    process.exit(message === 'usage' ? 0 : 2);
  }
  const portal = await startFakePortal({ port: options.port, seed: options.seed, bigRows: options.bigRows, faults: options.faults });
  process.stdout.write(`OKC fake portal listening on ${portal.baseUrl}\n`);
  const stop = (): void => {
    void portal.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) void main();
