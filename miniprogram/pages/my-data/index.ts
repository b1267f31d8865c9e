/**
 * 我的数据: export everything stored about me as a file I keep (user.exportMine: a JSON file sent to
 * a WeChat chat, e.g. 文件传输助手), and 注销账号 (user.deleteAccount) after a confirmation that says
 * what is erased and what the law makes us keep. The person types 注销 to confirm.
 */
import type { AccountDeletionView, DataExportView } from '../../../core/contract';
import { call } from '../../api/api';
import { largeText } from '../../utils/format';

const CONFIRM_WORD = '注销';

Component({
  data: {
    largeText: false,
    exporting: false,
    exported: null as (DataExportView & { countLines: string[] }) | null,
    confirmText: '',
    confirmError: '',
    deleting: false,
    deleted: null as (AccountDeletionView & { keptLines: string[] }) | null,
  },
  methods: {
    onLoad() {
      this.setData({ largeText: largeText() });
    },
    async onExport() {
      if (this.data.exporting) return;
      this.setData({ exporting: true });
      const reply = await call('user.exportMine', { format: 'json' }, { loading: '正在导出' });
      this.setData({ exporting: false });
      if (!reply.ok) return;
      const countLines = Object.entries(reply.data.counts)
        .filter(([, count]) => count > 0)
        .map(([label, count]) => `${label} ${count} 条`);
      this.setData({ exported: { ...reply.data, countLines } });
    },
    /** Downloads the file and offers to send it to a chat, where it stays (WeChat keeps chat files). */
    onSave() {
      const exported = this.data.exported;
      if (!exported) return;
      wx.downloadFile({
        url: exported.url,
        success: (result) => {
          if (result.statusCode !== 200) {
            wx.showToast({ title: '下载失败，请重新导出', icon: 'none' });
            return;
          }
          wx.shareFileMessage({
            filePath: result.tempFilePath,
            fileName: exported.fileName,
            fail: (error) => {
              if (!/cancel/.test(error.errMsg)) wx.showToast({ title: '暂时无法发送文件，请稍后再试', icon: 'none' });
            },
          });
        },
        fail: () => wx.showToast({ title: '下载失败，请检查网络', icon: 'none' }),
      });
    },
    onConfirmInput(event: Vant.FieldChange) {
      this.setData({ confirmText: String(event.detail), confirmError: '' });
    },
    async onDelete() {
      if (this.data.deleting) return;
      if (this.data.confirmText.trim() !== CONFIRM_WORD) {
        this.setData({ confirmError: `请输入“${CONFIRM_WORD}”两个字确认` });
        return;
      }
      const sure = await new Promise<boolean>((resolve) =>
        wx.showModal({
          title: '确定注销账号？',
          content: '注销后无法恢复，剩余爱心积分作废。',
          confirmText: '确定注销',
          confirmColor: '#c8372d',
          success: (result) => resolve(result.confirm),
          fail: () => resolve(false),
        }),
      );
      if (!sure) return;
      this.setData({ deleting: true });
      const reply = await call('user.deleteAccount', { confirm: CONFIRM_WORD }, { loading: '正在注销' });
      this.setData({ deleting: false });
      if (!reply.ok) return;
      const keptLines = Object.entries(reply.data.kept).map(([label, count]) => `${label} ${count} 条`);
      this.setData({ deleted: { ...reply.data, keptLines }, exported: null });
    },
    onHome() {
      wx.reLaunch({ url: '/pages/home/index' });
    },
    onPolicy() {
      wx.navigateTo({ url: '/pages/privacy/index' });
    },
  },
});
