// The metadata panel: licence and update frequency up front, actions, description,
// details, the field table and endpoints with copy buttons. Portal text is rendered as
// text (the description through the allow-list sanitiser), never as markup.

import { METADATA_FIELDS_AT_FIRST, type FieldShare, type FieldView, type MetadataAction, type MetadataView } from '../protocol';
import { withDatasetMissingShares } from '../util/fieldShares';
import { showControls } from '../util/text';
import { h, icon } from './shared/dom';
import { onNotify, ready, request, vscodeApi } from './shared/rpc';
import { sanitizedFragment } from './shared/sanitize';

const app = document.getElementById('app')!;
/** Field rows drawn at once (all the host sends at first); a layer with more offers Show All,
 * whose fields are asked FIELDS_PER_REQUEST at a time and drawn FIELD_ROWS_PER_FRAME a frame. */
const FIELD_ROWS_AT_FIRST = METADATA_FIELDS_AT_FIRST;
const FIELD_ROWS_PER_FRAME = 250;
const FIELDS_PER_REQUEST = 1000;

const ACTION_ICONS: Record<MetadataAction, string> = {
  preview: 'table',
  insertSnippet: 'code',
  save: 'save',
  openInBrowser: 'link-external',
  reportProblem: 'report',
  requestRecords: 'mail',
  copyApiUrl: 'copy',
  showOnMap: 'globe',
};

function openLink(url: string): void {
  void request('link/open', { url });
}

function copyButton(text: string, label: string): HTMLButtonElement {
  const button = h('button', { class: 'icon-button', title: label, 'aria-label': label, type: 'button' }, icon('copy'));
  button.addEventListener('click', () => {
    void request('clipboard/write', { text }).then(() => {
      button.replaceChildren(icon('check'));
      setTimeout(() => button.replaceChildren(icon('copy')), 1500);
    });
  });
  return button;
}

function badge(iconName: string, label: string, value: string | undefined, id: string): HTMLElement {
  return h(
    'div',
    { class: 'badge', id },
    icon(iconName),
    h('span', { class: 'badge-label' }, label),
    h('span', { class: value ? 'badge-value' : 'badge-value missing' }, value ? showControls(value) : '—'),
  );
}

function detailRow(label: string, value: Node | string | undefined): HTMLElement | null {
  if (value === undefined || value === '') return null;
  return h('tr', {}, h('th', { scope: 'row' }, label), h('td', {}, typeof value === 'string' ? showControls(value) : value));
}

function formatDate(iso: string | undefined): string | undefined {
  if (!iso) return undefined;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

function render(view: MetadataView): void {
  const L = view.labels;
  vscodeApi.setState({ portal: view.portalName, id: view.id });
  document.title = view.title;

  const licenseText = view.license ? sanitizedFragment(view.license, openLink).textContent ?? view.license : undefined;
  const badges = h(
    'section',
    { class: 'badges', 'aria-label': L.summary },
    badge('law', L.license, licenseText, 'license'),
    badge('history', L.updateFrequency, view.updateFrequency, 'update-frequency'),
    badge('list-ordered', L.records, view.recordCount !== undefined ? view.recordCount.toLocaleString() : undefined, 'record-count'),
    // The catalog's date, known from the start; the layer's last edit has its own row below.
    badge('calendar', L.modified, formatDate(view.modified), 'modified'),
  );

  const actions = h('section', { class: 'actions', 'aria-label': L.actions });
  for (const action of view.actions) {
    const button = h('button', { type: 'button', class: 'action', id: `action-${action}` }, icon(ACTION_ICONS[action]), h('span', {}, L[`action.${action}`] ?? action));
    button.addEventListener('click', () => void request('metadata/action', { action }));
    actions.append(button);
  }

  const description = describe(view);

  const contact = view.contact?.email
    ? (() => {
        const a = h('a', { href: '#', class: 'external-link' }, showControls(view.contact?.name ? `${view.contact.name} <${view.contact.email}>` : view.contact.email));
        a.addEventListener('click', (e) => {
          e.preventDefault();
          openLink(`mailto:${view.contact!.email}`);
        });
        return a;
      })()
    : view.contact?.name;

  const details = h(
    'table',
    { class: 'details' },
    h(
      'tbody',
      {},
      detailRow(L.portal, `${view.portalName} (${view.portalKind === 'hub' ? 'ArcGIS Hub' : 'Records API'})`),
      detailRow(L.groups, view.groups.join(', ')),
      detailRow(L.publisher, view.publisher),
      detailRow(L.contact, contact),
      detailRow(L.issued, formatDate(view.issued)),
      detailRow(L.modified, formatDate(view.modified)),
      detailRow(L.lastEdit, formatDate(view.lastEdit)),
      detailRow(L.geometry, view.geometry),
      detailRow(L.extent, view.extent?.map((n) => n.toFixed(4)).join(', ')),
      detailRow(L.keywords, view.keywords.join(', ')),
      detailRow(L.copyright, view.copyright),
    ),
  );

  const fields = h('section', { class: 'fields', id: 'fields' }, h('h2', {}, L.fields));
  fieldTable = undefined;
  if (view.fields) {
    const body = h('tbody');
    const table: FieldTable = { fields: view.fields, missingCells: new Map(), shares: [], labels: L };
    fieldTable = table;
    const fieldRow = (f: FieldView): HTMLElement => {
      const missing = missingCell(f, L);
      table.missingCells.set(f.name, missing);
      return h(
        'tr',
        {},
        h('td', { class: 'field-name' }, showControls(f.name), f.profilable ? profileButton(f.name, L) : null),
        h('td', {}, showControls(f.alias ?? '')),
        h('td', { title: f.nativeType }, f.kind),
        h('td', {}, showControls(f.description ?? '')),
        h('td', { class: 'samples' }, showControls(f.samples.join(', '))),
        missing,
      );
    };
    const total = view.fieldCount ?? view.fields.length;
    body.append(...view.fields.slice(0, FIELD_ROWS_AT_FIRST).map(fieldRow));
    fields.append(
      h(
        'table',
        { class: 'field-table' },
        h('thead', {}, h('tr', {}, ...[L.fieldName, L.fieldAlias, L.fieldType, L.fieldDescription, L.fieldSamples, L.fieldMissing].map((t) => h('th', { scope: 'col' }, t)))),
        body,
      ),
    );
    if (total > FIELD_ROWS_AT_FIRST) {
      // Thousands of fields: the rest on request, from the host a slice at a time and drawn a
      // chunk per frame, so no message and no frame takes long.
      const more = h('button', { type: 'button', class: 'link-button', id: 'show-all-fields' }, L.showAllFields);
      let next = FIELD_ROWS_AT_FIRST;
      const step = async (): Promise<void> => {
        if (fieldTable !== table) return;
        if (next >= table.fields.length) {
          const slice = await request('metadata/fields', { first: table.fields.length, count: FIELDS_PER_REQUEST });
          if (fieldTable !== table || !slice.length) return;
          // Shares that came before the slice was asked for are not in it.
          table.fields = [...table.fields, ...withDatasetMissingShares(slice, table.shares).fields];
        }
        // From the table's fields: shares that came since are in them.
        body.append(...table.fields.slice(next, next + FIELD_ROWS_PER_FRAME).map(fieldRow));
        next = Math.min(next + FIELD_ROWS_PER_FRAME, table.fields.length);
        if (next < total) requestAnimationFrame(() => void step().catch(offer));
      };
      // Offered again when a slice cannot be had: pressing it goes on from where it stopped.
      const offer = (): void => {
        if (fieldTable === table) fields.insertBefore(more, fields.querySelector('#sample-note'));
      };
      more.addEventListener('click', () => {
        more.remove();
        void step().catch(offer);
      });
      fields.append(more);
    }
    if (L.sampleNote) fields.append(h('p', { class: 'note', id: 'sample-note' }, L.sampleNote));
  } else if (view.schemaError) {
    const retry = h('button', { type: 'button', class: 'retry' }, icon('refresh'), ' ', L.retry);
    retry.addEventListener('click', () => {
      retry.setAttribute('disabled', '');
      void request('panel/retry', {}).catch(() => retry.removeAttribute('disabled'));
    });
    fields.append(h('p', { class: 'error', role: 'alert' }, icon('warning'), ' ', showControls(view.schemaError), ' ', retry));
  } else {
    fields.append(h('p', { class: 'loading' }, icon('loading codicon-modifier-spin'), ' ', L.loadingFields));
  }

  const endpoints = h('section', { class: 'endpoints', id: 'endpoints' }, h('h2', {}, L.endpoints));
  const list = h('ul');
  const addEndpoint = (label: string, url: string | undefined): void => {
    if (!url) return;
    list.append(h('li', {}, h('span', { class: 'endpoint-label' }, label), h('code', {}, showControls(url)), copyButton(url, L.copy)));
  };
  addEndpoint(L.apiUrl, view.apiUrl);
  addEndpoint(L.queryUrl, view.queryUrl);
  addEndpoint(L.landingPage, view.landingPage);
  for (const d of view.downloads) addEndpoint(`${L.download} (${d.format.toUpperCase()})`, d.url);
  endpoints.append(list);

  // The description stays in place when it has not changed: a long one costs a whole layout
  // each time it is put back into the document.
  if (description.parentNode === app) {
    for (const child of Array.from(app.childNodes)) if (child !== description) child.remove();
    description.before(h('header', {}, h('h1', { id: 'title' }, showControls(view.title))), badges, actions);
    description.after(details, fields, endpoints);
  } else {
    app.replaceChildren(h('header', {}, h('h1', { id: 'title' }, showControls(view.title))), badges, actions, description, details, fields, endpoints);
  }
  app.setAttribute('aria-busy', view.fields || view.schemaError ? 'false' : 'true');
}

/** The field table shown: its fields (patched by `metadata/missingShares`) and the Missing cell
 * of each field row drawn so far, by field name. */
interface FieldTable {
  /** The fields the webview holds: the first ones sent, then the slices Show All asked for. */
  fields: FieldView[];
  missingCells: Map<string, HTMLElement>;
  /** Every share received, for slices that come later from a host that had not yet applied them. */
  shares: FieldShare[];
  labels: Record<string, string>;
}
let fieldTable: FieldTable | undefined;

/** A field's Missing cell: the whole dataset's share when the portal counted it, else the sample's. */
function missingCell(f: FieldView, L: Record<string, string>): HTMLElement {
  if (f.datasetMissingShare !== undefined) return h('td', { class: 'number', title: L.fieldMissingDataset }, `${Math.round(f.datasetMissingShare * 100)}%`);
  return h('td', { class: 'number', title: f.missingShare === undefined ? undefined : L.fieldMissingSample }, f.missingShare === undefined ? '' : `${Math.round(f.missingShare * 100)}%`);
}

/** Whole-dataset shares for some fields: the drawn rows' Missing cells are replaced, and rows
 * drawn later (Show All) take them from the patched fields. Nothing else is rebuilt. */
function applyMissingShares(shares: FieldShare[]): void {
  const table = fieldTable;
  if (!table) return;
  const { fields, patched } = withDatasetMissingShares(table.fields, shares);
  table.fields = fields;
  table.shares.push(...shares);
  for (const index of patched) {
    const field = fields[index];
    const cell = table.missingCells.get(field.name);
    if (!cell) continue;
    const next = missingCell(field, table.labels);
    cell.replaceWith(next);
    table.missingCells.set(field.name, next);
  }
}

/** The description section, rebuilt only when the description (or its shortening note) changes. */
let shownDescription: { key: string; section: HTMLElement } | undefined;

function describe(view: MetadataView): HTMLElement {
  const L = view.labels;
  const key = JSON.stringify([view.descriptionHtml.length, view.descriptionChars, L.descriptionShortened, L.noDescription]) + view.descriptionHtml;
  if (shownDescription?.key === key) return shownDescription.section;
  const description = h('section', { class: 'description', id: 'description' });
  if (view.descriptionHtml.trim()) description.append(sanitizedFragment(view.descriptionHtml, openLink));
  else description.append(h('p', { class: 'missing' }, L.noDescription));
  if (view.descriptionChars !== undefined) {
    // The host sent only the start of a huge description: say so, and offer the rest.
    const open = h('button', { type: 'button', class: 'link-button', id: 'open-full-description' }, icon('go-to-file'), ' ', L.openFullDescription);
    open.addEventListener('click', () => void request('metadata/fullDescription', {}));
    description.append(h('p', { class: 'note', id: 'description-shortened', role: 'note' }, icon('info'), ' ', L.descriptionShortened, ' ', open));
  }
  shownDescription = { key, section: description };
  return description;
}

onNotify('metadata/show', render);
onNotify('metadata/missingShares', ({ shares }) => applyMissingShares(shares));
onNotify('panel/error', ({ message }) => {
  app.replaceChildren(h('p', { class: 'error', role: 'alert' }, icon('error'), ' ', showControls(message)));
  app.setAttribute('aria-busy', 'false');
});
ready();

/** Profile Column on a field: the host opens the grid with that column's profile. */
function profileButton(field: string, L: Record<string, string>): HTMLElement {
  const label = `${L.profileColumn}: ${showControls(field)}`;
  const button = h('button', { type: 'button', class: 'icon-button field-profile', title: label, 'aria-label': label, 'data-field': field }, icon('graph'));
  button.addEventListener('click', () => void request('metadata/profile', { field }));
  return button;
}
