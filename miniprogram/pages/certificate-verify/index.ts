/**
 * 证明核验: anyone — an employer, a school, without registering — types the code printed on a
 * certificate and sees whether it is valid and what it states (name, recording unit, period, hours,
 * content; nothing else about the volunteer). ?code= fills the code in and checks it at once.
 * Problems are written on the page, not only toasted: the person checking needs to read them.
 */
import type { CertificateCheck } from '../../../core/contract';
import { call } from '../../api/api';
import { formatTime, largeText } from '../../utils/format';

type Result = CertificateCheck & { issuedText: string };

Component({
  data: {
    largeText: false,
    code: '',
    checking: false,
    message: '',
    result: null as Result | null,
  },
  methods: {
    onLoad(query: { code?: string } = {}) {
      const code = query.code ? decodeURIComponent(query.code) : '';
      this.setData({ largeText: largeText(), code });
      if (code) void this.onVerify();
    },
    /** The certificate's QR code carries its verification code as printed. */
    onScan() {
      wx.scanCode({
        scanType: ['qrCode'],
        success: (res) => {
          this.setData({ code: String(res.result ?? '').trim(), message: '' });
          void this.onVerify();
        },
        // Cancelled, or the camera refused: the person can still type the code.
        fail: () => undefined,
      });
    },
    onCode(event: Vant.FieldChange) {
      this.setData({ code: event.detail, message: '' });
    },
    async onVerify() {
      if (this.data.checking) return;
      // Spaces and dashes are how codes are printed and read out; the cloud ignores them too.
      const code = this.data.code.trim();
      if (!code) {
        this.setData({ message: '请输入证明上的验证码', result: null });
        return;
      }
      this.setData({ checking: true, message: '', result: null });
      const reply = await call('certificate.verify', { code }, { toast: false });
      if (!reply.ok) {
        this.setData({ checking: false, message: reply.error.message });
        return;
      }
      this.setData({ checking: false, result: { ...reply.data, issuedText: formatTime(reply.data.issuedAt).slice(0, 10) } });
    },
  },
});
