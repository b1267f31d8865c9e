/**
 * 巡查走访: a grid worker (or staff given a grid) logs a day's 巡查 or 走访 of one of their grids —
 * the buildings as chips of that grid, the households visited, notes — and sees their logs below,
 * newest day first. The grids, today and the earliest day a log may be caught up for come with the
 * first page of patrol.mine, so the first screen is one call. Logging the same grid, day and kind
 * again rewrites that day's log (the cloud says so, and the page tells the person).
 */
import type { PatrolGridOption, PatrolLogView } from '../../../core/contract';
import type { PatrolKind } from '../../../core/model';
import { listPage, rows } from '../../behaviors/list-page';
import { call } from '../../api/api';
import { largeText } from '../../utils/format';
import { PATROL_KIND_TEXT } from '../../utils/labels';

interface Row extends PatrolLogView {
  kindText: string;
  buildingsText: string;
}

interface Chip {
  name: string;
  selected: boolean;
}

const PAGE_SIZE = 20;

const toRow = (log: PatrolLogView): Row => ({ ...log, kindText: PATROL_KIND_TEXT[log.kind], buildingsText: log.buildings.join('、') });

const chipsOf = (grid: PatrolGridOption | undefined): Chip[] => (grid ? grid.buildings.map((name) => ({ name, selected: false })) : []);

Component({
  behaviors: [listPage<Row>()],
  data: {
    largeText: false,
    /** The caller's grids; empty: they have none to log for. */
    grids: [] as PatrolGridOption[],
    gridNames: [] as string[],
    gridIndex: 0,
    today: '',
    earliestDay: '',
    maxHouseholds: 200,
    date: '',
    kind: 'patrol' as PatrolKind,
    chips: [] as Chip[],
    households: 0,
    notes: '',
    formError: '',
    submitting: false,
  },
  methods: {
    onLoad() {
      this.setData({ largeText: largeText() });
      void this.load();
    },
    async fetchList(cursor?: string) {
      const reply = await call('patrol.mine', { limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) }, { toast: false });
      if (!reply.ok || cursor) return rows(reply, toRow);
      const { grids, today, earliestDay, maxHouseholds } = reply.data;
      // The form keeps what the person chose when the list is reloaded after a log.
      const kept = this.data.grids.length > 0;
      return rows(reply, toRow, {
        grids,
        gridNames: grids.map((grid) => grid.name),
        today,
        earliestDay,
        maxHouseholds,
        ...(kept ? {} : { gridIndex: 0, date: today, chips: chipsOf(grids[0]) }),
      });
    },
    onGrid(event: WechatMiniprogram.PickerChange) {
      const gridIndex = Number(event.detail.value);
      this.setData({ gridIndex, chips: chipsOf(this.data.grids[gridIndex]), formError: '' });
    },
    onDate(event: WechatMiniprogram.PickerChange) {
      this.setData({ date: String(event.detail.value), formError: '' });
    },
    onKind(event: WechatMiniprogram.BaseEvent) {
      this.setData({ kind: event.currentTarget.dataset.kind as PatrolKind, formError: '' });
    },
    onChip(event: WechatMiniprogram.BaseEvent) {
      const index = Number(event.currentTarget.dataset.index);
      const chip = this.data.chips[index];
      if (!chip) return;
      this.setData({ [`chips[${index}].selected`]: !chip.selected, formError: '' });
    },
    onHouseholds(event: Vant.StepperChange) {
      this.setData({ households: Number(event.detail) || 0, formError: '' });
    },
    onNotes(event: Vant.FieldChange) {
      this.setData({ notes: String(event.detail) });
    },
    async onSubmit() {
      const { grids, gridIndex, date, kind, chips, households, notes, submitting } = this.data;
      const grid = grids[gridIndex];
      if (submitting || !grid) return;
      const buildings = chips.filter((chip) => chip.selected).map((chip) => chip.name);
      if (buildings.length === 0) {
        this.setData({ formError: '请至少选择一栋楼' });
        return;
      }
      if (kind === 'visit' && households < 1) {
        this.setData({ formError: '走访请填写走访户数' });
        return;
      }
      this.setData({ submitting: true, formError: '' });
      const reply = await call('patrol.log', { date, gridId: grid.id, kind, buildings, households: kind === 'visit' ? households : 0, ...(notes.trim() ? { notes: notes.trim() } : {}) }, { loading: '正在保存', toast: false });
      this.setData({ submitting: false });
      if (!reply.ok) {
        this.setData({ formError: reply.error.message });
        return;
      }
      wx.showToast({ title: reply.data.rewritten ? '已更新当天的记录' : '已记录', icon: 'success' });
      this.setData({ notes: '', chips: chipsOf(grid), households: 0 });
      await this.refresh();
    },
  },
});
