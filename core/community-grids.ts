/**
 * Editing a community's grids and buildings, without I/O: one change applied to the grids as they
 * are now. Nothing is deleted: a retired grid or building stays in the document (old addresses,
 * orders and records name it) and is only no longer offered. Buildings are strings that addresses
 * copy, so renaming or moving one also tells the caller which addresses to follow (`follow`).
 */
import { MAX_GRIDS, type GridChange } from './contract/community-setup';
import { MAX_BUILDINGS } from './contract/community';
import { DomainError } from './errors';
import type { Grid } from './model';

export interface AppliedGridChange {
  grids: Grid[];
  /** For the log: what changed, in Chinese. */
  summary: string;
  /** Addresses in `from` (grid, building) now live at `to`. */
  follow?: { from: { gridId: string; building: string }; to: { gridId: string; building: string } };
}

/** Every building named in the document, retired ones included: the cap bounds the document. */
export const buildingCount = (grids: readonly Grid[]): number => grids.reduce((sum, grid) => sum + grid.buildings.length + (grid.retiredBuildings?.length ?? 0), 0);

const invalid = (message: string) => new DomainError('INVALID_INPUT', message);

function gridOf(grids: readonly Grid[], gridId: string): Grid {
  const grid = grids.find((candidate) => candidate.id === gridId);
  if (!grid) throw invalid('该网格不属于本社区，请刷新后重试');
  return grid;
}

function activeGridOf(grids: readonly Grid[], gridId: string): Grid {
  const grid = gridOf(grids, gridId);
  if (grid.retired) throw invalid(`${grid.name}已停用`);
  return grid;
}

/** Building names are unique across the community's active grids: a picker shows them by name. */
function assertBuildingFree(grids: readonly Grid[], name: string, except?: { gridId: string; building: string }): void {
  for (const grid of grids) {
    if (grid.retired) continue;
    if (grid.buildings.some((building) => building === name && !(except && except.gridId === grid.id && except.building === building))) {
      throw invalid(`${grid.name}已有“${name}”`);
    }
  }
}

function assertGridNameFree(grids: readonly Grid[], name: string, exceptId?: string): void {
  const taken = grids.find((grid) => !grid.retired && grid.name === name && grid.id !== exceptId);
  if (taken) throw invalid(`已有名为“${name}”的网格`);
}

function assertRoomForBuilding(grids: readonly Grid[]): void {
  if (buildingCount(grids) >= MAX_BUILDINGS) throw new DomainError('LIMIT_REACHED', `全社区的楼栋（含已停用的）最多 ${MAX_BUILDINGS} 栋`);
}

const replaceGrid = (grids: readonly Grid[], gridId: string, next: (grid: Grid) => Grid): Grid[] => grids.map((grid) => (grid.id === gridId ? next(grid) : grid));

/** Applies `change` to `grids`; `newGridId` names a grid that `addGrid` creates. */
export function applyGridChange(grids: readonly Grid[], change: GridChange, newGridId: string): AppliedGridChange {
  switch (change.op) {
    case 'addGrid': {
      if (grids.length >= MAX_GRIDS) throw new DomainError('LIMIT_REACHED', `网格（含已停用的）最多 ${MAX_GRIDS} 个`);
      assertGridNameFree(grids, change.name);
      return { grids: [...grids, { id: newGridId, name: change.name, buildings: [] }], summary: `新增网格“${change.name}”` };
    }
    case 'renameGrid': {
      const grid = activeGridOf(grids, change.gridId);
      assertGridNameFree(grids, change.name, grid.id);
      return { grids: replaceGrid(grids, grid.id, (item) => ({ ...item, name: change.name })), summary: `网格“${grid.name}”改名为“${change.name}”` };
    }
    case 'retireGrid': {
      const grid = activeGridOf(grids, change.gridId);
      if (grids.filter((item) => !item.retired).length <= 1) throw invalid('至少保留一个网格');
      return { grids: replaceGrid(grids, grid.id, (item) => ({ ...item, retired: true })), summary: `停用网格“${grid.name}”` };
    }
    case 'restoreGrid': {
      const grid = gridOf(grids, change.gridId);
      if (!grid.retired) throw invalid(`${grid.name}没有停用`);
      assertGridNameFree(grids, grid.name, grid.id);
      for (const building of grid.buildings) assertBuildingFree(grids, building, { gridId: grid.id, building });
      const { retired: _retired, ...restored } = grid;
      return { grids: replaceGrid(grids, grid.id, () => restored), summary: `重新启用网格“${grid.name}”` };
    }
    case 'addBuilding': {
      const grid = activeGridOf(grids, change.gridId);
      assertBuildingFree(grids, change.building);
      // A retired building of this grid comes back rather than being named twice.
      if (grid.retiredBuildings?.includes(change.building)) {
        return {
          grids: replaceGrid(grids, grid.id, (item) => ({ ...item, buildings: [...item.buildings, change.building], retiredBuildings: (item.retiredBuildings ?? []).filter((name) => name !== change.building) })),
          summary: `${grid.name}重新启用“${change.building}”`,
        };
      }
      assertRoomForBuilding(grids);
      return { grids: replaceGrid(grids, grid.id, (item) => ({ ...item, buildings: [...item.buildings, change.building] })), summary: `${grid.name}新增“${change.building}”` };
    }
    case 'renameBuilding': {
      const grid = activeGridOf(grids, change.gridId);
      if (!grid.buildings.includes(change.building)) throw invalid(`${grid.name}没有“${change.building}”，请刷新后重试`);
      if (change.name === change.building) throw invalid('新名称与原名称相同');
      assertBuildingFree(grids, change.name);
      if (grid.retiredBuildings?.includes(change.name)) throw invalid(`${grid.name}有已停用的“${change.name}”，请换一个名称或重新启用它`);
      return {
        grids: replaceGrid(grids, grid.id, (item) => ({ ...item, buildings: item.buildings.map((name) => (name === change.building ? change.name : name)) })),
        summary: `${grid.name}的“${change.building}”改名为“${change.name}”`,
        follow: { from: { gridId: grid.id, building: change.building }, to: { gridId: grid.id, building: change.name } },
      };
    }
    case 'moveBuilding': {
      const grid = activeGridOf(grids, change.gridId);
      const target = activeGridOf(grids, change.toGridId);
      if (grid.id === target.id) throw invalid('请选择另一个网格');
      if (!grid.buildings.includes(change.building)) throw invalid(`${grid.name}没有“${change.building}”，请刷新后重试`);
      if (target.retiredBuildings?.includes(change.building)) throw invalid(`${target.name}有已停用的“${change.building}”，请先改名`);
      const moved = replaceGrid(grids, grid.id, (item) => ({ ...item, buildings: item.buildings.filter((name) => name !== change.building) }));
      return {
        grids: replaceGrid(moved, target.id, (item) => ({ ...item, buildings: [...item.buildings, change.building] })),
        summary: `“${change.building}”从${grid.name}划到${target.name}`,
        follow: { from: { gridId: grid.id, building: change.building }, to: { gridId: target.id, building: change.building } },
      };
    }
    case 'retireBuilding': {
      const grid = activeGridOf(grids, change.gridId);
      if (!grid.buildings.includes(change.building)) throw invalid(`${grid.name}没有“${change.building}”，请刷新后重试`);
      return {
        grids: replaceGrid(grids, grid.id, (item) => ({
          ...item,
          buildings: item.buildings.filter((name) => name !== change.building),
          retiredBuildings: [...(item.retiredBuildings ?? []), change.building],
        })),
        summary: `${grid.name}停用“${change.building}”`,
      };
    }
  }
}

/** What pickers offer: active grids, each with its active buildings. */
export const offeredGrids = (grids: readonly Grid[]): Grid[] => grids.filter((grid) => !grid.retired).map(({ id, name, buildings }) => ({ id, name, buildings }));

/** Whether `gridId` is one of the grids the community offers now (not retired). */
export const isOfferedGrid = (grids: readonly Grid[], gridId: string): boolean => grids.some((grid) => grid.id === gridId && !grid.retired);

/** Retired grids, for naming the grid of an old address. */
export const retiredGrids = (grids: readonly Grid[]): Grid[] => grids.filter((grid) => grid.retired).map(({ id, name, buildings }) => ({ id, name, buildings }));
