// The CSV/TSV preview engine, free of `vscode`: sniff the dialect, index row offsets in the
// background, read windows of rows on demand.

export { nodeFileSource, memorySource, type RandomAccessSource } from './source';
export { sniffDialect, SNIFF_BYTES, type CsvDialect, type CsvEncoding } from './dialect';
export { buildRowIndex, RowIndex, type BuildRowIndexOptions, type IndexIssue, type IndexIssueKind } from './rowIndex';
export { readRows, readHeader, type RowWindow, type RowError, type ReadRowsOptions } from './window';
