// CSV preview engine on a generated 1 GB file: time to the first 100 rows, index throughput
// beside wc -l and papaparse's full streaming parse of the same file, the index's size, and a
// column profile's rate and memory.
// CSV_BENCH_MB sets the file size (default 1024); CSV_BENCH_KEEP=1 keeps the file afterwards.

import { execFileSync } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import Papa from 'papaparse';
import { buildRowIndex, type RowIndex } from '../src/csv/rowIndex';
import { sniffDialect, type CsvDialect } from '../src/csv/dialect';
import { nodeFileSource } from '../src/csv/source';
import { readRows } from '../src/csv/window';
import { profileCsvInWorker } from '../src/stats/csvProfileInWorker';
import { median, medianMs, reportBench } from './common';

const MB = 1024 * 1024;
const targetMb = Number(process.env.CSV_BENCH_MB ?? 1024);
const keepFile = process.env.CSV_BENCH_KEEP === '1';
const dir = join(__dirname, '..', '..', 'bench', 'tmp');
const path = join(dir, `csv-bench-${targetMb}mb.csv`);

const CATEGORIES = ['Fire', 'Police', 'Parks', 'Streets', 'Water', 'Animal Welfare', 'Code Enforcement'];
const STREETS = ['NW 5th St', 'SW 29th St', 'N Rockwell Ave', 'N Classen Blvd', 'S Western Ave', 'NE 23rd St'];
const NOTES = [
  'Routine inspection',
  'Caller reports debris, "large" branches',
  'Follow-up needed\nsee prior ticket',
  'Resolved on site',
  'Crew dispatched; ETA 30 min',
  'Señal dañada, reported in Spanish',
];

/** Writes realistic rows (quoted addresses with commas, notes with quotes and line breaks) until the target size. */
async function generate(): Promise<void> {
  await mkdir(dir, { recursive: true });
  const out = createWriteStream(path);
  const target = targetMb * MB;
  let written = 0;
  let id = 0;
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)];
  const header = 'id,reported_at,category,address,note,latitude,longitude,amount\n';
  out.write(header);
  written += header.length;
  while (written < target) {
    let block = '';
    for (let i = 0; i < 20000; i++) {
      id++;
      const day = 1 + (id % 28);
      const note = pick(NOTES);
      const quotedNote = /[",\n]/.test(note) ? `"${note.replace(/"/g, '""')}"` : note;
      block +=
        `${id},2024-${String(1 + (id % 12)).padStart(2, '0')}-${String(day).padStart(2, '0')}T${String(id % 24).padStart(2, '0')}:15:00,` +
        `${pick(CATEGORIES)},"${100 + Math.floor(random() * 9000)} ${pick(STREETS)}, Oklahoma City, OK",${quotedNote},` +
        `${(35.3 + random() * 0.4).toFixed(6)},${(-97.7 + random() * 0.4).toFixed(6)},${(random() * 5000).toFixed(2)}\n`;
    }
    written += Buffer.byteLength(block);
    if (!out.write(block)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

async function fileReady(): Promise<boolean> {
  try {
    return (await stat(path)).size >= targetMb * MB;
  } catch {
    return false;
  }
}

async function firstRows(): Promise<number> {
  const source = nodeFileSource(path);
  const controller = new AbortController();
  try {
    const dialect = await sniffDialect(source);
    const { index, done } = buildRowIndex(source, dialect, { signal: controller.signal });
    done.catch(() => undefined);
    await index.waitForRows(100);
    const window = await readRows(source, index, dialect, 0, 100);
    if (window.rows.length !== 100) throw new Error(`expected 100 rows, got ${window.rows.length}`);
    controller.abort();
    await done.catch(() => undefined);
    return window.rows.length;
  } finally {
    await source.close();
  }
}

async function indexWhole(dialect: CsvDialect): Promise<RowIndex> {
  const source = nodeFileSource(path);
  try {
    return await buildRowIndex(source, dialect).done;
  } finally {
    await source.close();
  }
}

function papaparseWhole(delimiter: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let rows = 0;
    Papa.parse<string[]>(createReadStream(path, { encoding: 'utf8', highWaterMark: 4 * MB }) as unknown as File, {
      delimiter,
      skipEmptyLines: true,
      chunk: (results) => {
        rows += results.data.length;
      },
      complete: () => resolve(rows),
      error: (error: Error) => reject(error),
    });
  });
}

async function main(): Promise<void> {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  if (await fileReady()) log(`reusing ${path}`);
  else {
    const start = performance.now();
    await generate();
    log(`generated ${path} in ${((performance.now() - start) / 1000).toFixed(1)} s`);
  }
  const fileMb = (await stat(path)).size / MB;

  const firstRowsMs = await medianMs(5, firstRows);
  log(`first 100 rows: median ${firstRowsMs.toFixed(1)} ms of 5`);

  const dialect = await (async () => {
    const source = nodeFileSource(path);
    try {
      return await sniffDialect(source);
    } finally {
      await source.close();
    }
  })();

  // The index's yardstick is `wc -l` (memchr over the same cached file), alternated with the
  // index runs so that both see the same machine.
  let index: RowIndex | undefined;
  const indexTimes: number[] = [];
  const wcTimes: number[] = [];
  for (let run = 0; run < 5; run++) {
    let start = performance.now();
    execFileSync('wc', ['-l', path], { stdio: ['ignore', 'pipe', 'inherit'] });
    wcTimes.push(performance.now() - start);
    start = performance.now();
    index = await indexWhole(dialect);
    indexTimes.push(performance.now() - start);
    log(`index run ${run + 1}: ${(indexTimes[run] / 1000).toFixed(2)} s, ${index.rowCount} rows; wc -l ${(wcTimes[run] / 1000).toFixed(2)} s`);
  }
  const indexMs = median(indexTimes);
  const wcMs = median(wcTimes);

  // The column profile as the extension runs it: in a worker thread, from the host's side. Its
  // memory is the host process's RSS growth (a worker's heap is in the same process).
  const workerScript = join(__dirname, '..', '..', 'dist', 'csvProfileWorker.js');
  const column = 7; // amount: a number, so both passes (figures, then the histogram)
  const profileTimes: number[] = [];
  let profileGrowth = 0;
  for (let run = 0; run < 3; run++) {
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const start = performance.now();
    const profile = await profileCsvInWorker(workerScript, { path, dialect, column, field: 'amount' });
    profileTimes.push(performance.now() - start);
    clearInterval(sampler);
    profileGrowth = Math.max(profileGrowth, (peak - before) / MB);
    log(`profile run ${run + 1}: ${(profileTimes[run] / 1000).toFixed(2)} s, ${profile.count} values, mean ${profile.mean?.toFixed(2)}, RSS +${((peak - before) / MB).toFixed(0)} MB`);
  }

  // papaparse is slow on a whole gigabyte: a second run only when the first took under 20 s.
  const papaTimes: number[] = [];
  let papaRows = 0;
  for (let run = 0; run < 2; run++) {
    const start = performance.now();
    papaRows = await papaparseWhole(dialect.delimiter);
    papaTimes.push(performance.now() - start);
    log(`papaparse run ${run + 1}: ${(papaTimes[run] / 1000).toFixed(2)} s, ${papaRows} rows`);
    if (papaTimes[run] > 20_000) break;
  }
  log(`papaparse measured ${papaTimes.length} time(s) (median of those)`);
  if (index && papaRows !== index.rowCount + 1) log(`note: papaparse counted ${papaRows} rows (header included), the index ${index.rowCount} data rows`);

  if (!keepFile) await rm(path, { force: true });

  reportBench({
    csv_file_mb: fileMb,
    csv_rows: index?.rowCount ?? 0,
    csv_engine_first_rows_ms: firstRowsMs,
    csv_index_mb_s: fileMb / (indexMs / 1000),
    wc_l_mb_s: fileMb / (wcMs / 1000),
    csv_index_vs_memchr_pct: (100 * wcMs) / indexMs,
    papaparse_mb_s: fileMb / (median(papaTimes) / 1000),
    papaparse_runs: papaTimes.length,
    profile_csv_mb_s: fileMb / (median(profileTimes) / 1000),
    profile_csv_vs_papaparse: median(papaTimes) / median(profileTimes),
    profile_mem_growth_mb: profileGrowth,
    csv_index_mem_mb: (index?.memoryBytes() ?? 0) / MB,
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
