// Metadata panels: one per dataset, revealed when opened again, restored after a reload
// by the serializer. The host fetches the schema and a sample of rows; the webview only
// displays what it is sent.

import * as vscode from 'vscode';
import { datasetKey, type CatalogStore } from '../catalog/store';
import { plural, portalProblem } from '../messages';
import { ownCell } from '../portal/cells';
import { isPortalError } from '../portal/errors';
import type { DataRow, DatasetSchema, DatasetSummary, Portal } from '../portal/types';
import { METADATA_FIELDS_AT_FIRST, type FieldShare, type FieldView, type MetadataAction, type MetadataView } from '../protocol';
import { EMPTY_QUERY } from '../query/model';
import { profileKind } from '../stats/profile';
import type { GridHandle } from './gridHost';
import { rowsForWidth } from './gridPages';
import { Disposable } from '../util/disposable';
import { withDatasetMissingShares } from '../util/fieldShares';
import { externalLink } from '../util/links';
import { htmlToText, shortenHtml, showControls } from '../util/text';
import { showReadOnlyText } from './readOnlyText';
import { showDatasetGone, WebviewHost, webviewOptions } from './webviewHost';

export const METADATA_VIEW_TYPE = 'okcOpenData.metadata';
const SAMPLE_ROWS = 200;
/** Fields counted by one statistics request for the whole-dataset missing shares: a 5,000-field
 * layer asks ten small requests, each applied as it comes, rather than one whose building,
 * answer and table update hold the host's thread for long in one go. */
const SHARE_FIELDS_PER_REQUEST = 500;
/** Most fields one `metadata/fields` answers: each answer stays a small message. */
const MAX_FIELDS_PER_REQUEST = 1000;
/** Longest description sent to the panel whole: laying out much more (200,000 characters took
 * over a second) would freeze the window. Real descriptions run to a few hundred characters. */
export const DESCRIPTION_MAX_CHARS = 20_000;

/** Returned by `okcOpenData.showMetadata`: lets tests watch a panel and press its Retry. */
export interface MetadataHandle {
  readonly panel: vscode.WebviewPanel;
  /** What the panel shows now (the last `metadata/show`, with every field even when the
   * webview was sent only the first; whole-dataset shares patched in as they come). */
  readonly view: MetadataView | undefined;
  /** What the Retry button beside a failed field list does. */
  retry(): Promise<void>;
  /** What Open Full Text beside a shortened description does. */
  openFullDescription(): Promise<void>;
}

/** What a panel action does; the extension wires each to its command. */
export type MetadataActionHandler = (action: MetadataAction, dataset: DatasetSummary) => Promise<void> | void;

interface PanelState {
  portal: string;
  id: string;
}

export class MetadataPanels extends Disposable {
  private readonly open = new Map<string, MetadataHandle>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly store: CatalogStore,
    private readonly availableActions: () => MetadataAction[],
    private readonly onAction: MetadataActionHandler,
  ) {
    super();
    this.register(
      vscode.window.registerWebviewPanelSerializer(METADATA_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel, state: unknown) => {
          const s = state as Partial<PanelState> | undefined;
          const dataset = s?.portal && s.id ? await this.store.waitFor(s.portal, s.id) : undefined;
          if (!dataset) {
            showDatasetGone(panel, this.extensionUri);
            return;
          }
          this.attach(panel, dataset);
        },
      }),
    );
  }

  /** Opens (or reveals) the panel of a dataset. */
  show(dataset: DatasetSummary): MetadataHandle {
    const existing = this.open.get(datasetKey(dataset));
    if (existing) {
      existing.panel.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(METADATA_VIEW_TYPE, showControls(dataset.title), vscode.ViewColumn.Active, webviewOptions(this.extensionUri));
    return this.attach(panel, dataset);
  }

  private attach(panel: vscode.WebviewPanel, dataset: DatasetSummary): MetadataHandle {
    const key = datasetKey(dataset);
    panel.title = showControls(dataset.title);
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'okc-open-data.svg');
    const portal = this.store.portal(dataset.portal);
    let shown: MetadataView | undefined;
    // The whole description when the panel got only its start (see withDescription).
    let fullDescription = '';
    const openFullDescription = async (): Promise<void> => {
      await showReadOnlyText(vscode.l10n.t('{0} description', dataset.title), htmlToText(fullDescription || dataset.description));
    };
    const retry = async (): Promise<void> => {
      if (!portal || !shown?.schemaError) return;
      portal.forget?.(dataset);
      show(view);
      await this.fillSchema(show, showShares, view, portal, dataset);
    };
    const host = new WebviewHost(panel.webview, this.extensionUri, 'metadata', dataset.title, {
      'metadata/action': ({ action }) => this.onAction(action, dataset),
      'metadata/profile': async ({ field }) => {
        // Profile Column opens the grid, where a top value or a bar can filter the rows.
        const grid = await vscode.commands.executeCommand<GridHandle | undefined>('okcOpenData.previewDataset', dataset);
        grid?.openProfile(field);
      },
      'clipboard/write': async ({ text }) => {
        await vscode.env.clipboard.writeText(text);
      },
      'link/open': async ({ url }) => {
        await openExternal(url);
      },
      'metadata/fullDescription': () => openFullDescription(),
      // Show All of a wide layer: the fields the webview was not sent at first, in slices.
      'metadata/fields': ({ first, count }) => shown?.fields?.slice(first, first + Math.min(count, MAX_FIELDS_PER_REQUEST)) ?? [],
      'panel/retry': retry,
    });
    const show = (next: MetadataView): void => {
      if (next.descriptionHtml.length > DESCRIPTION_MAX_CHARS) {
        fullDescription = next.descriptionHtml;
        next = withDescription(next, next.descriptionHtml);
      }
      shown = next;
      host.notify('metadata/show', forWebview(next));
    };
    let disposed = false;
    /** Patches the shown field table with whole-dataset shares: a small message, not the view
     * again. False once the panel is closed: no more shares are wanted. */
    const showShares = (shares: FieldShare[]): boolean => {
      if (disposed) return false;
      if (!shown?.fields || !shares.length) return true;
      shown = { ...shown, fields: withDatasetMissingShares(shown.fields, shares).fields };
      host.notify('metadata/missingShares', { shares }, false);
      // A webview recreated later gets the whole patched view at once.
      host.remember('metadata/show', forWebview(shown));
      return true;
    };
    const handle: MetadataHandle = {
      panel,
      get view() {
        return shown;
      },
      retry,
      openFullDescription,
    };
    this.open.set(key, handle);
    panel.onDidDispose(() => {
      disposed = true;
      host.dispose();
      if (this.open.get(key) === handle) this.open.delete(key);
    });
    const view = this.baseView(dataset, portal);
    show(view);
    if (portal) void this.fillSchema(show, showShares, view, portal, dataset);
    return handle;
  }

  private baseView(dataset: DatasetSummary, portal: Portal | undefined): MetadataView {
    let queryUrl: string | undefined;
    try {
      queryUrl = portal?.queryUrl(dataset, EMPTY_QUERY);
    } catch {
      queryUrl = undefined;
    }
    return {
      portalName: dataset.portal,
      portalKind: portal?.config.kind ?? 'hub',
      id: dataset.id,
      title: dataset.title,
      descriptionHtml: dataset.description,
      groups: dataset.groups,
      keywords: dataset.keywords,
      publisher: dataset.publisher,
      contact: dataset.contact,
      license: dataset.license,
      updateFrequency: dataset.updateFrequency,
      issued: dataset.issued,
      modified: dataset.modified,
      geometry: dataset.geometry,
      extent: dataset.extent,
      landingPage: dataset.landingPage,
      apiUrl: dataset.apiUrl,
      queryUrl,
      downloads: dataset.downloads,
      actions: this.availableActions().filter((a) => a !== 'showOnMap' || dataset.geometry !== 'none'),
      labels: labels(),
    };
  }

  private async fillSchema(
    show: (view: MetadataView) => void,
    showShares: (shares: FieldShare[]) => boolean,
    view: MetadataView,
    portal: Portal,
    dataset: DatasetSummary,
  ): Promise<void> {
    let schema: DatasetSchema;
    try {
      schema = await portal.getSchema(dataset);
    } catch (error) {
      show({ ...view, schemaError: isPortalError(error) ? portalProblem(dataset.portal, error) : String(error) });
      return;
    }
    let rows: DataRow[] = [];
    try {
      // Fewer rows for a wide layer: the sample note says how many.
      rows = (await portal.queryPage(dataset, EMPTY_QUERY, 0, Math.min(rowsForWidth(schema.fields.length, SAMPLE_ROWS), schema.maxRecordCount ?? SAMPLE_ROWS))).rows;
    } catch {
      // Samples are a nicety; the field table stands without them.
    }
    // A turn of the event loop between parsing the sample page and building the field views:
    // for a 5,000-column layer each is a few tens of ms, and one task holding both is a pause.
    await nextTurn();
    const filled: MetadataView = {
      ...view,
      geometry: schema.geometry === 'unknown' ? view.geometry : schema.geometry,
      extent: view.extent ?? schema.extent,
      recordCount: schema.recordCount,
      lastEdit: schema.lastEdit,
      copyright: schema.copyright,
      descriptionHtml: view.descriptionHtml || schema.description || '',
      fields: schema.fields.map((f) => fieldView(f, rows)),
      labels: {
        ...view.labels,
        ...(rows.length ? sampleLabels(rows.length, schema.recordCount) : {}),
        showAllFields: plural(schema.fields.length, () => vscode.l10n.t('Show the {0} field', schema.fields.length.toLocaleString()), () => vscode.l10n.t('Show All {0} Fields', schema.fields.length.toLocaleString())),
      },
    };
    show(filled);
    await wholeDatasetMissing(portal, dataset, schema, showShares);
  }

}

/** What crosses to the webview: a wide layer's first METADATA_FIELDS_AT_FIRST fields only. */
function forWebview(view: MetadataView): MetadataView {
  if (!view.fields || view.fields.length <= METADATA_FIELDS_AT_FIRST) return view;
  return { ...view, fields: view.fields.slice(0, METADATA_FIELDS_AT_FIRST), fieldCount: view.fields.length };
}

/** The view with a description of at most DESCRIPTION_MAX_CHARS characters, and a note saying
 * how much of it is shown when it had to be shortened. */
function withDescription(view: MetadataView, html: string): MetadataView {
  const { html: start, shortened } = shortenHtml(html, DESCRIPTION_MAX_CHARS);
  if (!shortened) return { ...view, descriptionHtml: html, descriptionChars: undefined };
  return {
    ...view,
    descriptionHtml: start,
    descriptionChars: html.length,
    labels: {
      ...view.labels,
      descriptionShortened: vscode.l10n.t('Description shortened: {0} of {1} characters shown.', start.length.toLocaleString(), html.length.toLocaleString()),
      openFullDescription: vscode.l10n.t('Open Full Text'),
    },
  };
}

/** Share of NULLs in every field over the whole dataset, where the portal computes statistics:
 * statistics requests of SHARE_FIELDS_PER_REQUEST fields each (a count of each field and of the
 * object ids), each answer handed to `apply` as it comes, until it returns false (the panel is
 * gone). Nothing is applied where the portal does not compute statistics. */
async function wholeDatasetMissing(portal: Portal, dataset: DatasetSummary, schema: DatasetSchema, apply: (shares: FieldShare[]) => boolean): Promise<void> {
  if (!portal.queryStatistics || !schema.statisticsSupport?.statistics || !schema.objectIdField) return;
  const fields = schema.fields.filter((f) => profileKind(f) !== undefined && /^[A-Za-z_][A-Za-z0-9_ ]*$/.test(f.name));
  for (let first = 0; first < fields.length; first += SHARE_FIELDS_PER_REQUEST) {
    // A turn of the event loop first: the field table just sent, or the last answer applied,
    // is not followed in the same task by building the next request.
    await nextTurn();
    const batch = fields.slice(first, first + SHARE_FIELDS_PER_REQUEST);
    try {
      const table = await portal.queryStatistics(dataset, EMPTY_QUERY, {
        statistics: [{ type: 'count', field: schema.objectIdField, outName: 'okc_rows' }, ...batch.map((f, k) => ({ type: 'count' as const, field: f.name, outName: `okc_f${k}` }))],
      });
      const row = table.rows[0] ?? [];
      const total = Number(row[0] ?? 0);
      // An empty dataset has no shares; the other batches would say the same.
      if (!(total > 0)) return;
      if (!apply(batch.map((f, k): FieldShare => [f.name, 1 - Number(row[k + 1] ?? 0) / total]))) return;
    } catch {
      // The sample's shares stay; whole-dataset figures are a bonus.
      return;
    }
  }
}

/** Resolves after the tasks already queued (I/O, messages) have run. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

function fieldView(field: DatasetSchema['fields'][number], rows: DataRow[]): FieldView {
  const view: FieldView = { name: field.name, alias: field.alias, kind: field.kind, nativeType: field.nativeType, description: field.description, samples: [], profilable: profileKind(field) !== undefined };
  if (field.kind === 'geometry' || !rows.length) return view;
  let missing = 0;
  const samples = new Set<string>();
  for (const row of rows) {
    const value = ownCell(row.attributes, field.name);
    if (value === null || value === undefined || value === '') missing++;
    else if (samples.size < 3) samples.add(formatSample(value, field.kind));
  }
  view.samples = [...samples];
  view.missingShare = missing / rows.length;
  return view;
}

function formatSample(value: string | number | boolean, kind: string): string {
  if (kind === 'date' && typeof value === 'number') {
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? String(value) : date.toISOString().slice(0, 10);
  }
  const text = String(value);
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}


/** Opens a portal's link in the browser when externalLink lets it through (http:, https:,
 * mailto:); anything else is ignored. Every openExternal of the extension goes through here. */
export async function openExternal(url: string): Promise<boolean> {
  const safe = externalLink(url);
  if (!safe) return false;
  return vscode.env.openExternal(vscode.Uri.parse(safe, true));
}

/** Samples and missing shares come from the first page only: the table says how many rows. */
function sampleLabels(sampled: number, total: number | undefined): Record<string, string> {
  const n = sampled.toLocaleString();
  const whole = total !== undefined && sampled >= total;
  return {
    fieldMissingSample: plural(sampled, () => vscode.l10n.t('Share of empty values in the first {0} row', n), () => vscode.l10n.t('Share of empty values in the first {0} rows', n)),
    sampleNote: whole
      ? plural(sampled, () => vscode.l10n.t('Sample values and missing shares are computed over the dataset\'s {0} row.', n), () => vscode.l10n.t('Sample values and missing shares are computed over all {0} rows of the dataset.', n))
      : plural(
          sampled,
          () => vscode.l10n.t('Sample values come from the first {0} row only, and so do missing shares unless the portal counted them over the whole dataset (hover a share to see which).', n),
          () => vscode.l10n.t('Sample values come from the first {0} rows only, and so do missing shares unless the portal counted them over the whole dataset (hover a share to see which).', n),
        ),
  };
}

function labels(): Record<string, string> {
  return {
    summary: vscode.l10n.t('Summary'),
    license: vscode.l10n.t('License'),
    updateFrequency: vscode.l10n.t('Update frequency'),
    records: vscode.l10n.t('Records'),
    modified: vscode.l10n.t('Catalog entry updated'),
    actions: vscode.l10n.t('Actions'),
    noDescription: vscode.l10n.t('The portal gives no description.'),
    portal: vscode.l10n.t('Portal'),
    groups: vscode.l10n.t('Groups'),
    publisher: vscode.l10n.t('Publisher'),
    contact: vscode.l10n.t('Contact'),
    issued: vscode.l10n.t('Published'),
    lastEdit: vscode.l10n.t('Data last edited'),
    geometry: vscode.l10n.t('Geometry'),
    extent: vscode.l10n.t('Extent (WGS84)'),
    keywords: vscode.l10n.t('Keywords'),
    copyright: vscode.l10n.t('Credits'),
    fields: vscode.l10n.t('Fields'),
    fieldName: vscode.l10n.t('Name'),
    fieldAlias: vscode.l10n.t('Alias'),
    fieldType: vscode.l10n.t('Type'),
    fieldDescription: vscode.l10n.t('Description'),
    fieldSamples: vscode.l10n.t('Sample values'),
    fieldMissing: vscode.l10n.t('Missing'),
    fieldMissingSample: vscode.l10n.t('Share of empty values in the first rows'),
    fieldMissingDataset: vscode.l10n.t('Share of NULL values in the whole dataset, counted by the portal'),
    profileColumn: vscode.l10n.t('Profile Column'),
    loadingFields: vscode.l10n.t('Loading fields from the service…'),
    retry: vscode.l10n.t('Retry'),
    endpoints: vscode.l10n.t('Endpoints'),
    apiUrl: vscode.l10n.t('API'),
    queryUrl: vscode.l10n.t('Query'),
    landingPage: vscode.l10n.t('Web page'),
    download: vscode.l10n.t('Download'),
    copy: vscode.l10n.t('Copy'),
    'action.preview': vscode.l10n.t('Preview'),
    'action.insertSnippet': vscode.l10n.t('Insert Snippet'),
    'action.save': vscode.l10n.t('Save to Workspace'),
    'action.openInBrowser': vscode.l10n.t('Open in Browser'),
    'action.reportProblem': vscode.l10n.t('Report a Data Problem'),
    'action.requestRecords': vscode.l10n.t('Request Unpublished Records'),
    'action.copyApiUrl': vscode.l10n.t('Copy API URL'),
    'action.showOnMap': vscode.l10n.t('Show on Map'),
  };
}
