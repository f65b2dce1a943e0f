// What ties a dataset's map to its grid: the grid announces its query and selected row, the
// map listens; the map hands a drawn area to the grid as its spatial filter. Keyed by the
// dataset key both panels share, so either may open first.

import * as vscode from 'vscode';
import type { GridFilter, GridSortKey } from '../protocol';
import type { SpatialFilter } from '../query/model';

export interface LinkedQuery {
  filters: GridFilter[];
  /** The portal's sort only: a local sort covers loaded rows and has no meaning on the map. */
  sort: GridSortKey[];
  spatial?: SpatialFilter;
}

class GridLinks {
  private readonly queries = new Map<string, LinkedQuery>();
  private readonly queried = new vscode.EventEmitter<{ key: string; query: LinkedQuery }>();
  private readonly selected = new vscode.EventEmitter<{ key: string; row: number }>();
  private readonly spatialAsked = new vscode.EventEmitter<{ key: string; spatial: SpatialFilter }>();
  readonly onDidQuery = this.queried.event;
  readonly onDidSelectRow = this.selected.event;
  readonly onDidAskSpatial = this.spatialAsked.event;
  private readonly grids = new Set<string>();

  /** The query the dataset's open grid shows, if one is open. */
  current(key: string): LinkedQuery | undefined {
    return this.queries.get(key);
  }

  hasGrid(key: string): boolean {
    return this.grids.has(key);
  }

  gridOpened(key: string): vscode.Disposable {
    this.grids.add(key);
    return { dispose: () => {
      this.grids.delete(key);
      this.queries.delete(key);
    } };
  }

  announceQuery(key: string, query: LinkedQuery): void {
    this.queries.set(key, query);
    this.queried.fire({ key, query });
  }

  announceRow(key: string, row: number): void {
    this.selected.fire({ key, row });
  }

  askSpatial(key: string, spatial: SpatialFilter): void {
    this.spatialAsked.fire({ key, spatial });
  }
}

export const gridLinks = new GridLinks();
