// Small readers for untrusted JSON: they accept what the portals really send and throw a
// plain Error naming what was missing, which PortalHttp turns into a 'malformed' PortalError.

export type JsonObject = Record<string, unknown>;

export function asObject(value: unknown, what: string): JsonObject {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error(`${what} is not an object`);
  return value as JsonObject;
}

export function asArray(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`${what} is not a list`);
  return value;
}

export function optionalString(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

export function optionalNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

export function stringList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(optionalString).filter((s): s is string => s !== undefined);
  const single = optionalString(value);
  return single ? [single] : [];
}

/** `"xmin,ymin,xmax,ymax"` (DCAT `spatial`) or an ArcGIS extent in WGS84. */
export function parseExtent(value: unknown): [number, number, number, number] | undefined {
  if (typeof value === 'string') {
    const parts = value.split(',').map(Number);
    if (parts.length === 4 && parts.every(Number.isFinite)) return parts as [number, number, number, number];
    return undefined;
  }
  if (value && typeof value === 'object') {
    const e = value as JsonObject;
    const wkid = optionalNumber((e.spatialReference as JsonObject | undefined)?.wkid) ?? optionalNumber((e.spatialReference as JsonObject | undefined)?.latestWkid);
    const box = [e.xmin, e.ymin, e.xmax, e.ymax].map(optionalNumber);
    if (box.every((n) => n !== undefined) && (wkid === 4326 || wkid === undefined)) return box as [number, number, number, number];
  }
  return undefined;
}
