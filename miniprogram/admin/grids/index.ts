/**
 * 网格与楼栋: add and rename grids, add, rename and retire buildings, move a building to another
 * grid (its residents move with it), retire a grid nobody belongs to any more, and restore one.
 * Names are asked in a dialog; each change is one `community.changeGrids`, applied by the cloud to
 * the grids as they are then (another staff member's edit meanwhile is kept), and the page shows
 * what the cloud replies. Retired grids and buildings stay listed, greyed, as old addresses name them.
 */
import type { CommunityGridsView, GridChange, ManagedGrid } from '../../../core/contract';
import { call } from '../../api/api';
import { refreshPage } from '../../behaviors/refresh';
import { communityIdOf } from '../community-id';

/** Asks for a name in a dialog (WeChat's editable modal); null when cancelled or left empty. */
function askName(title: string, initial = ''): Promise<string | null> {
  return new Promise((resolve) => {
    wx.showModal({
      title,
      editable: true,
      placeholderText: initial || '请输入名称',
      content: initial,
      success: (result) => resolve(result.confirm && result.content?.trim() ? result.content.trim() : null),
      fail: () => resolve(null),
    });
  });
}

Component({
  behaviors: [refreshPage],
  data: {
    loading: true,
    error: '',
    communityId: '',
    grids: [] as ManagedGrid[],
    buildingsLeft: 0,
    gridsLeft: 0,
    /** The building whose 划到其他网格 sheet is open. */
    moving: null as null | { gridId: string; building: string; targets: ManagedGrid[] },
  },
  methods: {
    onLoad(options: { communityId?: string }) {
      void this.load(options);
    },
    async load(options?: { communityId?: string }) {
      this.setData({ loading: this.data.grids.length === 0, error: '' });
      const target = this.data.communityId ? { communityId: this.data.communityId } : await communityIdOf(options);
      if ('error' in target) {
        this.setData({ loading: false, error: target.error });
        return;
      }
      const reply = await call('community.grids', { communityId: target.communityId }, { toast: false });
      if (!reply.ok) {
        this.setData({ loading: false, error: reply.error.message });
        return;
      }
      this.setData({ communityId: target.communityId });
      this.show(reply.data);
    },
    show(view: CommunityGridsView) {
      wx.setNavigationBarTitle({ title: `${view.name} · 网格与楼栋` });
      this.setData({ loading: false, grids: view.grids, buildingsLeft: view.buildingsLeft, gridsLeft: view.gridsLeft, moving: null });
    },
    async change(change: GridChange, done: string): Promise<boolean> {
      const reply = await call('community.changeGrids', { communityId: this.data.communityId, change }, { loading: '正在保存' });
      if (!reply.ok) return false;
      this.show(reply.data);
      wx.showToast({ title: done, icon: 'success' });
      return true;
    },
    gridOf(event: WechatMiniprogram.BaseEvent): ManagedGrid | undefined {
      return this.data.grids.find((grid) => grid.id === event.currentTarget.dataset.grid);
    },
    async onAddGrid() {
      const name = await askName('新增网格');
      if (name) await this.change({ op: 'addGrid', name }, '已新增网格');
    },
    async onRenameGrid(event: WechatMiniprogram.BaseEvent) {
      const grid = this.gridOf(event);
      const name = grid && (await askName('网格改名', grid.name));
      if (grid && name && name !== grid.name) await this.change({ op: 'renameGrid', gridId: grid.id, name }, '已改名');
    },
    onRetireGrid(event: WechatMiniprogram.BaseEvent) {
      const grid = this.gridOf(event);
      if (!grid) return;
      wx.showModal({
        title: '停用网格',
        content: `停用后“${grid.name}”不再出现在选择列表中（旧地址仍保留）。网格里还有居民、网格员或志愿者时不能停用。`,
        confirmText: '停用',
        confirmColor: '#c8372d',
        success: (result) => {
          if (result.confirm) void this.change({ op: 'retireGrid', gridId: grid.id }, '已停用');
        },
      });
    },
    async onRestoreGrid(event: WechatMiniprogram.BaseEvent) {
      const grid = this.gridOf(event);
      if (grid) await this.change({ op: 'restoreGrid', gridId: grid.id }, '已重新启用');
    },
    async onAddBuilding(event: WechatMiniprogram.BaseEvent) {
      const grid = this.gridOf(event);
      const building = grid && (await askName(`${grid.name}新增楼栋`));
      if (grid && building) await this.change({ op: 'addBuilding', gridId: grid.id, building }, '已新增楼栋');
    },
    /** A building's actions: 改名, 划到其他网格, 停用. */
    onBuilding(event: WechatMiniprogram.BaseEvent) {
      const grid = this.gridOf(event);
      const building = String(event.currentTarget.dataset.building);
      // A retired grid's buildings wait for the grid to be restored.
      if (!grid || grid.retired) return;
      wx.showActionSheet({
        itemList: ['改名', '划到其他网格', '停用'],
        success: async ({ tapIndex }) => {
          if (tapIndex === 0) {
            const name = await askName(`“${building}”改名`, building);
            if (name && name !== building) await this.change({ op: 'renameBuilding', gridId: grid.id, building, name }, '已改名');
          } else if (tapIndex === 1) {
            const targets = this.data.grids.filter((other) => other.id !== grid.id && !other.retired);
            if (targets.length === 0) wx.showToast({ title: '没有其他网格，请先新增网格', icon: 'none' });
            else this.setData({ moving: { gridId: grid.id, building, targets } });
          } else if (tapIndex === 2) {
            await this.change({ op: 'retireBuilding', gridId: grid.id, building }, '已停用');
          }
        },
      });
    },
    async onMoveTo(event: WechatMiniprogram.BaseEvent) {
      const moving = this.data.moving;
      if (moving) await this.change({ op: 'moveBuilding', gridId: moving.gridId, building: moving.building, toGridId: String(event.currentTarget.dataset.grid) }, '已划转');
    },
    onCloseMove() {
      this.setData({ moving: null });
    },
    async onRestoreBuilding(event: WechatMiniprogram.BaseEvent) {
      const grid = this.gridOf(event);
      const building = String(event.currentTarget.dataset.building);
      if (grid && !grid.retired) await this.change({ op: 'addBuilding', gridId: grid.id, building }, '已重新启用');
    },
  },
});
