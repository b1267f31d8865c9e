/**
 * 报表导出: staff pick a ledger (工单台账, 志愿服务时长台账, …) and a month or days; the cloud writes
 * the .xlsx (report.export) and the page downloads it under its Chinese name and opens it with
 * wx.openDocument, whose menu forwards it to a chat or opens it in WPS. What the caller may export,
 * and for which grids, comes from report.options: a grid worker is offered their grids' orders only.
 */
import type { ReportFileView, ReportKind, ReportOptionsView } from '../../../core/contract';
import { call } from '../../api/api';
import { largeText } from '../../utils/format';
import { beijingToday } from '../../utils/records';

type Mode = 'month' | 'range';

/**
 * Where a report is saved on the phone: one folder, emptied before each download, so the reports
 * of past days do not fill the mini-program's 10 MB of user files.
 */
function reportPath(name: string): string {
  const dir = `${wx.env.USER_DATA_PATH}/reports`;
  const files = wx.getFileSystemManager();
  try {
    files.rmdirSync(dir, true);
  } catch {
    // Not there yet.
  }
  files.mkdirSync(dir, true);
  return `${dir}/${name}`;
}

Component({
  data: {
    largeText: false,
    loading: true,
    error: '',
    options: null as ReportOptionsView | null,
    kind: '' as ReportKind | '',
    /** Whether the chosen ledger may be limited to a grid. */
    byGrid: false,
    monthOnly: false,
    mode: 'month' as Mode,
    month: '',
    thisMonth: '',
    from: '',
    to: '',
    today: '',
    /** 全社区 (or a grid worker's 我负责的全部网格), then each grid by name. */
    gridChoices: [] as string[],
    gridIndex: 0,
    formError: '',
    exporting: false,
    file: null as ReportFileView | null,
    opening: false,
  },
  methods: {
    onLoad() {
      const today = beijingToday();
      this.setData({ largeText: largeText(), today, thisMonth: today.slice(0, 7), month: today.slice(0, 7), from: `${today.slice(0, 8)}01`, to: today });
      void this.load();
    },
    async load() {
      this.setData({ loading: true, error: '' });
      const reply = await call('report.options', {}, { toast: false });
      if (!reply.ok) {
        this.setData({ loading: false, error: reply.error.message });
        return;
      }
      const options = reply.data;
      const first = options.kinds[0];
      this.setData({
        loading: false,
        options,
        kind: first?.kind ?? '',
        byGrid: first?.byGrid ?? false,
        monthOnly: first?.monthOnly ?? false,
        ...(first?.monthOnly ? { mode: 'month' as Mode } : {}),
        gridChoices: [options.ownGridsOnly ? '我负责的全部网格' : '全社区', ...options.grids.map((grid) => grid.name)],
        gridIndex: 0,
      });
    },
    onKind(event: WechatMiniprogram.BaseEvent) {
      const kind = String(event.currentTarget.dataset.kind) as ReportKind;
      const chosen = this.data.options?.kinds.find((item) => item.kind === kind);
      if (!chosen) return;
      // 月报 compares a month with the one before: only whole months.
      this.setData({ kind, byGrid: chosen.byGrid, monthOnly: chosen.monthOnly, ...(chosen.monthOnly ? { mode: 'month' as Mode } : {}), formError: '', file: null });
    },
    onMode(event: WechatMiniprogram.BaseEvent) {
      this.setData({ mode: event.currentTarget.dataset.mode as Mode, formError: '', file: null });
    },
    onMonth(event: WechatMiniprogram.PickerChange) {
      this.setData({ month: String(event.detail.value), formError: '', file: null });
    },
    onFrom(event: WechatMiniprogram.PickerChange) {
      this.setData({ from: String(event.detail.value), formError: '', file: null });
    },
    onTo(event: WechatMiniprogram.PickerChange) {
      this.setData({ to: String(event.detail.value), formError: '', file: null });
    },
    onGrid(event: WechatMiniprogram.PickerChange) {
      this.setData({ gridIndex: Number(event.detail.value), formError: '', file: null });
    },
    async onExport() {
      const { kind, mode, month, from, to, byGrid, gridIndex, options } = this.data;
      if (this.data.exporting || !kind || !options) return;
      const grid = byGrid && gridIndex > 0 ? options.grids[gridIndex - 1] : undefined;
      const period = mode === 'month' ? { month } : { from, to };
      this.setData({ exporting: true, formError: '', file: null });
      const reply = await call('report.export', { kind, ...period, ...(grid ? { gridId: grid.id } : {}) }, { loading: '正在生成报表', toast: false });
      this.setData({ exporting: false });
      if (!reply.ok) {
        this.setData({ formError: reply.error.message });
        return;
      }
      this.setData({ file: reply.data, 'options.remainingToday': reply.data.remainingToday });
    },
    /** Downloads the workbook and opens it; the viewer's menu forwards it or opens it in another app. */
    onOpen() {
      const file = this.data.file;
      if (!file || this.data.opening) return;
      this.setData({ opening: true });
      const failed = (title: string) => {
        this.setData({ opening: false });
        wx.showToast({ title, icon: 'none' });
      };
      wx.downloadFile({
        url: file.url,
        // Saved under its own name, so the file forwarded to a chat says what it is.
        filePath: reportPath(file.name),
        success: (result) => {
          if (result.statusCode !== 200) {
            failed('下载失败，请重新导出');
            return;
          }
          wx.openDocument({
            filePath: result.filePath || result.tempFilePath,
            fileType: 'xlsx',
            showMenu: true,
            success: () => this.setData({ opening: false }),
            fail: () => failed('无法打开报表，请稍后再试'),
          });
        },
        fail: () => failed('下载失败，请检查网络'),
      });
    },
  },
});
