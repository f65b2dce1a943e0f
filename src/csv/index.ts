// The CSV/TSV preview engine, free of `vscode`: sniff the dialect, index row offsets in the
// background, read windows of rows on demand.

export { nodeFileSource, memorySource, type RandomAccessSource } from './source';
export { sniffDialect, SNIFF_BYTES, type CsvDialect, type CsvEncoding } from './dialect';
export { buildRowIndex, RowIndex, type BuildRowIndexOptions, type IndexIssue, type IndexIssueKind } from './rowIndex';
export { readRows, readHeader, type RowWindow, type RowError, type ReadRowsOptions } from './window';
export { resolveCsvOptions, applyCsvOptionChange, parseCsvOverrides, parseDelimiterInput, hasCsvOverrides, type ResolvedCsvOptions } from './options';
export { CSV_ENCODINGS, CSV_DELIMITERS, CSV_ENCODING_NAMES, type CsvOverrides, type CsvChoices, type CsvOptionChange, type CsvOptionRequest } from './optionTypes';
export { csvOptionItems, delimiterName, type CsvOptionItem, type CsvOptionLabelKey } from './optionText';
