/** core/community-grids.ts: one edit of a community's grids, without I/O. */
import { describe, expect, it } from 'vitest';
import { applyGridChange, buildingCount, offeredGrids } from '../../core/community-grids';
import { MAX_BUILDINGS } from '../../core/contract/community';
import { MAX_GRIDS } from '../../core/contract/community-setup';
import { DomainError } from '../../core/errors';
import type { Grid } from '../../core/model';

const grids: Grid[] = [
  { id: 'g1', name: '第一网格', buildings: ['1栋', '2栋'] },
  { id: 'g2', name: '第二网格', buildings: ['3栋'], retiredBuildings: ['旧楼'] },
];

const refusal = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return `${error.code}: ${error.message}`;
    throw error;
  }
  throw new Error('expected a refusal');
};

describe('applyGridChange', () => {
  it('counts retired buildings against the cap, so retiring never makes room without end', () => {
    const full: Grid[] = [{ id: 'g1', name: '一', buildings: Array.from({ length: MAX_BUILDINGS - 1 }, (_, i) => `${i}栋`), retiredBuildings: ['旧楼'] }];
    expect(buildingCount(full)).toBe(MAX_BUILDINGS);
    expect(refusal(() => applyGridChange(full, { op: 'addBuilding', gridId: 'g1', building: '新楼' }, 'x'))).toBe(`LIMIT_REACHED: 全社区的楼栋（含已停用的）最多 ${MAX_BUILDINGS} 栋`);
    // Bringing a retired one back adds nothing to the document.
    expect(applyGridChange(full, { op: 'addBuilding', gridId: 'g1', building: '旧楼' }, 'x').grids[0]!.buildings).toContain('旧楼');
  });

  it('caps grids, retired ones included', () => {
    const many: Grid[] = Array.from({ length: MAX_GRIDS }, (_, i) => ({ id: `g${i}`, name: `${i}`, buildings: [], ...(i > 0 ? { retired: true } : {}) }));
    expect(refusal(() => applyGridChange(many, { op: 'addGrid', name: '新网格' }, 'x'))).toBe(`LIMIT_REACHED: 网格（含已停用的）最多 ${MAX_GRIDS} 个`);
  });

  it('moves a building and says whose addresses follow; a retired grid is neither a source nor a target', () => {
    const moved = applyGridChange(grids, { op: 'moveBuilding', gridId: 'g1', building: '2栋', toGridId: 'g2' }, 'x');
    expect(moved.grids.map((grid) => grid.buildings)).toEqual([['1栋'], ['3栋', '2栋']]);
    expect(moved.follow).toEqual({ from: { gridId: 'g1', building: '2栋' }, to: { gridId: 'g2', building: '2栋' } });
    const retired = applyGridChange(grids, { op: 'retireGrid', gridId: 'g2' }, 'x').grids;
    expect(offeredGrids(retired).map((grid) => grid.id)).toEqual(['g1']);
    expect(refusal(() => applyGridChange(retired, { op: 'moveBuilding', gridId: 'g1', building: '2栋', toGridId: 'g2' }, 'x'))).toBe('INVALID_INPUT: 第二网格已停用');
    expect(refusal(() => applyGridChange(retired, { op: 'retireGrid', gridId: 'g1' }, 'x'))).toBe('INVALID_INPUT: 至少保留一个网格');
  });

  it('refuses a duplicate grid name or building, and a building that is not there', () => {
    expect(refusal(() => applyGridChange(grids, { op: 'addGrid', name: '第一网格' }, 'x'))).toBe('INVALID_INPUT: 已有名为“第一网格”的网格');
    expect(refusal(() => applyGridChange(grids, { op: 'renameBuilding', gridId: 'g2', building: '3栋', name: '1栋' }, 'x'))).toBe('INVALID_INPUT: 第一网格已有“1栋”');
    expect(refusal(() => applyGridChange(grids, { op: 'retireBuilding', gridId: 'g1', building: '9栋' }, 'x'))).toBe('INVALID_INPUT: 第一网格没有“9栋”，请刷新后重试');
  });
});
