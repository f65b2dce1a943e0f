// Builds the map's offline basemap: Oklahoma's 77 county outlines, cut at build time from the
// Census Bureau's cartographic boundaries as packaged by us-atlas (ISC; the data is public
// domain), written as a small GeoJSON the map panel sends to its webview. Nothing hand-typed.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { feature } from 'topojson-client';

const require = createRequire(import.meta.url);
/** Oklahoma's state FIPS code: county ids are the state code followed by three digits. */
const OKLAHOMA_FIPS = '40';

export function writeOklahomaCounties(outfile) {
  const topology = JSON.parse(readFileSync(require.resolve('us-atlas/counties-10m.json'), 'utf8'));
  const counties = topology.objects.counties;
  const oklahoma = { ...counties, geometries: counties.geometries.filter((g) => String(g.id).startsWith(OKLAHOMA_FIPS)) };
  const collection = feature(topology, oklahoma);
  // Four decimals (about 10 m) is far finer than a 1:10m outline needs.
  const round = (value) => (Array.isArray(value) ? value.map(round) : Math.round(value * 1e4) / 1e4);
  const out = {
    type: 'FeatureCollection',
    attribution: 'U.S. Census Bureau cartographic boundaries (us-atlas)',
    features: collection.features.map((f) => ({ type: 'Feature', properties: { name: f.properties.name }, geometry: { type: f.geometry.type, coordinates: round(f.geometry.coordinates) } })),
  };
  if (out.features.length !== 77) throw new Error(`expected Oklahoma's 77 counties, got ${out.features.length}`);
  mkdirSync(dirname(outfile), { recursive: true });
  writeFileSync(outfile, JSON.stringify(out));
  return out.features.length;
}
