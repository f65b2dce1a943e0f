// The Hub portal on real DCAT-US feeds (copies in ./samples): every feature layer and table is
// listed, service-level items and apps are left out with a reason, and an older feed's
// "Esri REST" map / image service is left out instead of failing as a JSON download.

import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { PortalHttp } from '../../../src/portal/http';
import { HubPortal } from '../../../src/portal/hub';

const SAMPLES = path.resolve(__dirname, '../../../../test/unit/portal-client/samples');
type Entry = { title: string; identifier: string; landingPage: string; distribution: { format: string; mediaType: string; accessURL: string }[] };

function readFeed(name: string): { dataset: Entry[] } {
  return JSON.parse(readFileSync(path.join(SAMPLES, name), 'utf8')) as { dataset: Entry[] };
}

/** Serves one feed body at /data.json for as long as a test needs. */
async function serveFeed(body: unknown): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    if (req.url === '/data.json') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(body));
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/data.json`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const portalFor = (url: string) => new HubPortal({ name: 'Feed', kind: 'hub', url }, new PortalHttp({ userAgent: 'test', retries: 0 }), { token: async () => undefined });

describe('real DCAT-US feeds', () => {
  for (const file of ['dcat-us-feed-sce-drpep-full.json', 'dcat-us-feed.json']) {
    it(`${file}: lists every feature layer and table, leaves service items out with the reason`, async () => {
      const feed = readFeed(file);
      const layers = feed.dataset.filter((e) => /[?&]sublayer=\d+/.test(e.identifier));
      const services = feed.dataset.filter((e) => !/[?&]sublayer=/.test(e.identifier));
      assert.ok(layers.length > 0 && services.length > 0, 'the sample has both kinds');
      const served = await serveFeed(feed);
      try {
        const portal = portalFor(served.url);
        const listed = await portal.listDatasets();
        assert.deepEqual(listed.map((d) => d.title).sort(), layers.map((e) => e.title).sort());
        for (const d of listed) {
          assert.match(d.apiUrl ?? '', /\/FeatureServer\/\d+$/, `${d.title} reads its layer`);
          assert.match(d.landingPage ?? '', /\/datasets\/SCE2::[a-z0-9-]+$/, `${d.title} keeps its slug landing page`);
          assert.match(d.id, /^[0-9a-f]{32}_\d+$/);
          assert.ok(d.downloads.some((x) => x.format === 'csv'));
          assert.ok(!d.downloads.some((x) => x.format === 'json'), 'the GeoService is not a JSON download');
        }
        const notes = portal.listingNotes!;
        assert.deepEqual(notes.leftOut.map((x) => x.title).sort(), services.map((e) => e.title).sort());
        for (const item of notes.leftOut) {
          assert.equal(item.reason, 'serviceItem', item.title);
          assert.match(item.url ?? '', /\/FeatureServer$/);
        }
      } finally {
        await served.close();
      }
    });
  }

  it('leaves out apps and "Esri REST" image and map services with their reason, and lists a MapServer layer', async () => {
    const feed = readFeed('dcat-us-feed.json');
    const layer = feed.dataset.find((e) => /sublayer=0/.test(e.identifier))!;
    // Shaped like the sample's entries, as older Hub feeds wrote map and image services.
    const esriRest = (title: string, id: string, url: string): Entry => ({
      ...layer,
      title,
      identifier: `https://www.arcgis.com/home/item.html?id=${id}`,
      landingPage: `https://drpep-sce2.opendata.arcgis.com/maps/SCE2::${title.toLowerCase().replace(/\W+/g, '-')}`,
      distribution: [
        { format: 'Web Page', mediaType: 'text/html', accessURL: 'https://drpep-sce2.opendata.arcgis.com/maps/x' },
        { format: 'Esri REST', mediaType: 'application/json', accessURL: url },
      ],
    });
    const app: Entry = { ...layer, title: 'Outage Dashboard', identifier: 'https://www.arcgis.com/home/item.html?id=0123456789abcdef0123456789abcdef', distribution: [{ format: 'Web Page', mediaType: 'text/html', accessURL: 'https://example.org/apps/dash' }] };
    const body = {
      ...feed,
      dataset: [
        layer,
        app,
        esriRest('Aerial Imagery', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'https://gis.example.org/arcgis/rest/services/Imagery/Aerial/ImageServer'),
        esriRest('Hillshade', 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', 'https://gis.example.org/arcgis/rest/services/Base/Hillshade/MapServer'),
        esriRest('Census Places', 'cccccccccccccccccccccccccccccccc', 'https://gis.example.org/arcgis/rest/services/Census/Places/MapServer/2'),
      ],
    };
    const served = await serveFeed(body);
    try {
      const portal = portalFor(served.url);
      const listed = await portal.listDatasets();
      assert.deepEqual(listed.map((d) => d.title), [layer.title, 'Census Places']);
      assert.equal(listed[1].apiUrl, 'https://gis.example.org/arcgis/rest/services/Census/Places/MapServer/2');
      assert.deepEqual(listed[1].downloads, []);
      assert.deepEqual(
        portal.listingNotes!.leftOut.map((x) => [x.title, x.reason, x.serviceType]),
        [['Outage Dashboard', 'noData', undefined], ['Aerial Imagery', 'notFeatureService', 'ImageServer'], ['Hillshade', 'notFeatureService', 'MapServer']],
      );
    } finally {
      await served.close();
    }
  });
});
