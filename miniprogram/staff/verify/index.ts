/**
 * Verify a redemption (积分超市核销): the resident shows a 6-digit code (or its QR code); staff type
 * or scan it, and the goods are handed over. The reply names the resident and the goods.
 */
import type { RedemptionView } from '../../../core/contract';
import { call } from '../../api/api';

const CODE = /^\d{6}$/;

Component({
  data: {
    code: '',
    busy: false,
    error: '',
    result: null as { redemption: RedemptionView; resident: { name: string } } | null,
  },
  methods: {
    onLoad() {
      this.setData({ code: '', error: '', result: null });
    },
    onCode(event: Vant.FieldChange) {
      this.setData({ code: event.detail, error: '' });
    },
    onScan() {
      wx.scanCode({
        onlyFromCamera: true,
        scanType: ['qrCode', 'barCode'],
        success: (res) => {
          // The resident's QR code carries the same 6 digits; keep only digits from whatever was read.
          const code = String(res.result ?? '').replace(/\D/g, '');
          this.setData({ code, error: '' });
          void this.verify();
        },
        fail: (err) => {
          if (!/cancel/.test(err.errMsg)) this.setData({ error: '扫码失败，请手动输入核销码' });
        },
      });
    },
    onSubmit() {
      void this.verify();
    },
    async verify() {
      const code = this.data.code.trim();
      if (!CODE.test(code)) return this.setData({ error: '核销码是 6 位数字，请核对后重新输入', result: null });
      if (this.data.busy) return;
      this.setData({ busy: true, error: '', result: null });
      const reply = await call('mall.verify', { code }, { loading: '正在核销', toast: false });
      if (reply.ok) {
        this.setData({ busy: false, result: reply.data, code: '' });
        wx.showToast({ title: '核销成功', icon: 'success' });
      } else {
        this.setData({ busy: false, error: reply.error.message });
      }
    },
  },
});
