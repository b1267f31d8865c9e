/**
 * 成为管理员: the first administrator enters the setup code the deployment printed (npm run deploy
 * or npm start without demo data); later administrators enter the invitation an administrator gave
 * them. The cloud tells which it is; a wrong, used or expired code is explained under the field.
 */
import { call } from '../../api/api';

Component({
  data: {
    code: '',
    name: '',
    errors: {} as { code?: string; name?: string },
    submitting: false,
  },
  methods: {
    onInput(event: Vant.FieldChange) {
      const field = String(event.currentTarget.dataset.field) as 'code' | 'name';
      this.setData({ [field]: event.detail, [`errors.${field}`]: '' });
    },
    async onSubmit() {
      const code = this.data.code.trim();
      const name = this.data.name.trim();
      const errors = {
        ...(code ? {} : { code: '请输入初始化码或管理员邀请码' }),
        ...(name ? {} : { name: '请填写您的姓名，其他管理员会看到' }),
      };
      this.setData({ errors });
      if (errors.code || errors.name) return;
      this.setData({ submitting: true });
      const reply = await call('community.bootstrap', { code, name }, { loading: '正在验证', toast: false });
      this.setData({ submitting: false });
      if (!reply.ok) {
        // What went wrong is about the code, except a problem with the name.
        this.setData({ errors: /姓名/.test(reply.error.message) ? { name: reply.error.message } : { code: reply.error.message } });
        return;
      }
      wx.showToast({ title: '您已成为管理员', icon: 'success' });
      wx.redirectTo({ url: '/admin/admins/index' });
    },
  },
});
