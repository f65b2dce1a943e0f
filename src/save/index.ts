// The save engine's public surface for the extension's "Save Dataset to Workspace" and
// "Refresh Saved Dataset" commands. No `vscode` import.

export { saveDataset, targetPathFor, type SaveDatasetOptions, type SaveDatasetResult } from './save';
export { refreshSavedDataset, type RefreshOptions, type RefreshResult, type RefreshDiff } from './refresh';
export { exportDataset, SaveError, type SaveErrorKind, type ExportOptions, type ExportProgress, type ExportResult } from './export';
export { sanitizeFileName, resolveInside } from './fileName';
export { AtomicFile, TEMP_MARKER, isTempFileName, type SaveFs, type SaveFileWriter, type SavePathApi } from './saveFs';
export { NodeSaveFs, SpoolingSaveFs, type WholeFileFs } from './nodeSaveFs';
export { buildSidecar, parseSidecar, sidecarPathFor, stripCredentials, SIDECAR_SUFFIX, type ProvenanceSidecar } from './provenance';
export { SAVE_FORMATS, extensionFor, type SaveFormat } from './values';
