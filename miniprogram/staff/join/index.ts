/**
 * 加入社区工作人员: someone invited as staff or grid worker scans the QR code the inviter shows (or
 * types its 12 characters), gives their name and phone, and joins. The cloud decides everything
 * about the code (used, revoked, expired, another community's); its message shows under the field.
 */
import { call } from '../../api/api';
import { isPhone } from '../../utils/format';

type Field = 'code' | 'name' | 'phone';

/** What a scan read: the code itself, or a link or page path that carries it as `code=`. */
const codeFromScan = (text: string): string => /[?&]code=([A-Za-z0-9-]+)/.exec(text)?.[1] ?? text.trim();

Component({
  data: {
    form: { code: '', name: '', phone: '' } as Record<Field, string>,
    errors: {} as Partial<Record<Field, string>>,
    submitting: false,
  },
  methods: {
    onLoad(options: { code?: string }) {
      if (options?.code) this.setData({ 'form.code': options.code });
    },
    onInput(event: Vant.FieldChange) {
      const field = String(event.currentTarget.dataset.field) as Field;
      this.setData({ [`form.${field}`]: event.detail, [`errors.${field}`]: '' });
    },
    onScan() {
      wx.scanCode({
        scanType: ['qrCode'],
        success: (result) => this.setData({ 'form.code': codeFromScan(result.result || result.path || ''), 'errors.code': '' }),
        fail: (error) => {
          // Cancelling the camera is no error worth a message.
          if (!/cancel/.test(error.errMsg)) wx.showToast({ title: '没有识别到邀请码，请输入', icon: 'none' });
        },
      });
    },
    async onSubmit() {
      const code = this.data.form.code.trim();
      const name = this.data.form.name.trim();
      const phone = this.data.form.phone.trim();
      const errors: Partial<Record<Field, string>> = {
        ...(code ? {} : { code: '请扫描或输入邀请码' }),
        ...(name ? {} : { name: '请填写姓名' }),
        ...(isPhone(phone) ? {} : { phone: '请填写 11 位手机号' }),
      };
      this.setData({ errors });
      if (Object.keys(errors).length > 0) return;
      this.setData({ submitting: true });
      const reply = await call('community.join', { code, name, phone }, { loading: '正在加入', toast: false });
      this.setData({ submitting: false });
      if (!reply.ok) {
        const message = reply.error.message;
        this.setData({ errors: /姓名/.test(message) ? { name: message } : /手机/.test(message) ? { phone: message } : { code: message } });
        return;
      }
      wx.showToast({ title: '已加入', icon: 'success' });
      wx.switchTab({ url: '/pages/me/index' });
    },
  },
});
