// Types for @terraformer/arcgis, which ships none: only the converter this project calls.
declare module '@terraformer/arcgis' {
  /** An esri JSON geometry (or feature, or feature set) to GeoJSON. */
  export function arcgisToGeoJSON(arcgis: unknown, idAttribute?: string): { type?: string; coordinates?: unknown } & Record<string, unknown>;
}
