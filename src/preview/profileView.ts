// Host side of Profile Column: runs the statistics engine over a grid's current query and turns
// its ColumnProfile into the plain ProfileView the grid webview draws, with localised notes on
// where the figures were computed and what they cover.

import * as vscode from 'vscode';
import type { DatasetSchema, DatasetSummary, Portal } from '../portal/types';
import type { ProfileView } from '../protocol';
import type { DatasetQuery } from '../query/model';
import { profileColumn } from '../stats/profile';
import type { ColumnProfile } from '../stats/types';

export async function profileForGrid(portal: Portal, dataset: DatasetSummary, schema: DatasetSchema, query: DatasetQuery, field: string, label: string, generation: number): Promise<ProfileView> {
  const profile = await profileColumn(portal, dataset, schema, query, field);
  return toProfileView(profile, label, generation);
}

function rows(n: number): string {
  return n === 1 ? vscode.l10n.t('{0} row', n.toLocaleString(vscode.env.language)) : vscode.l10n.t('{0} rows', n.toLocaleString(vscode.env.language));
}

export function toProfileView(profile: ColumnProfile, label: string, generation: number): ProfileView {
  const notes: string[] = [];
  if (profile.computedOn === 'portal') notes.push(vscode.l10n.t('Computed by the portal over all {0} matching the grid\'s filters.', rows(profile.count)));
  else if (profile.computedOn === 'file') notes.push(vscode.l10n.t('Computed over all {0} of the file.', rows(profile.count)));
  else {
    const of = profile.sampled?.of;
    const scanned = profile.sampled?.rows ?? profile.count;
    notes.push(of !== undefined && of !== scanned
      ? vscode.l10n.t('Profiled {0} of {1} here, over fetched pages.', scanned.toLocaleString(vscode.env.language), rows(of))
      : vscode.l10n.t('Profiled all {0} here, over fetched pages.', rows(scanned)));
    if (profile.fallbackReason) notes.push(vscode.l10n.t('The portal does not compute statistics for this dataset, so they were computed here.'));
  }
  if (profile.kind === 'date' && profile.computedOn === 'portal') notes.push(vscode.l10n.t('The portal computes no mean or spread of dates.'));
  if (profile.topValuesApproximate) notes.push(vscode.l10n.t('Top value counts are lower bounds: the column has more distinct values than were counted exactly.'));
  return {
    generation,
    field: profile.field,
    label,
    kind: profile.kind,
    count: profile.count,
    missing: profile.missing,
    invalid: profile.invalid,
    distinct: profile.distinct,
    min: profile.min,
    max: profile.max,
    mean: profile.mean,
    stddev: profile.stddev,
    topValues: profile.topValues.map((t) => ({ value: t.value, count: t.count })),
    topValuesApproximate: profile.topValuesApproximate,
    histogram: profile.histogram,
    notes,
  };
}

/** Words the profile section of the grid shows. */
export function profileLabels(): Record<string, string> {
  return {
    profileColumn: vscode.l10n.t('Profile Column'),
    profileColumnHint: vscode.l10n.t('Profile Column (Alt+P)'),
    profileOf: vscode.l10n.t('Profile of {0}'),
    profileLoading: vscode.l10n.t('Profiling {0}…'),
    profileCount: vscode.l10n.t('Rows'),
    profileMissing: vscode.l10n.t('Missing'),
    profileInvalid: vscode.l10n.t('Unreadable'),
    profileDistinct: vscode.l10n.t('Distinct'),
    profileApprox: vscode.l10n.t('about {0}'),
    profileMin: vscode.l10n.t('Minimum'),
    profileMax: vscode.l10n.t('Maximum'),
    profileMean: vscode.l10n.t('Mean'),
    profileStddev: vscode.l10n.t('Standard deviation'),
    profileFigure: vscode.l10n.t('Figure'),
    profileValue: vscode.l10n.t('Value'),
    profileRows: vscode.l10n.t('Rows'),
    profileShare: vscode.l10n.t('Share'),
    profileTopValues: vscode.l10n.t('Top values'),
    profileHistogram: vscode.l10n.t('Histogram'),
    profileRange: vscode.l10n.t('Range'),
    profileFilterTo: vscode.l10n.t('Filter the grid to {0}'),
    profileNotAvailable: vscode.l10n.t('not available'),
    profileClose: vscode.l10n.t('Close Profile'),
  };
}
