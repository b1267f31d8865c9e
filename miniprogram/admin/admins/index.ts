/**
 * 管理员: who administers linli, inviting a colleague (a code valid 7 days, once), and removing an
 * administrator who no longer serves. The cloud decides who may be removed (`removable`: never the
 * last one, never one the deployment names); the page only shows it.
 */
import type { AdminView } from '../../../core/contract';
import { call } from '../../api/api';
import { refreshPage } from '../../behaviors/refresh';
import { formatTime, groupCode } from '../../utils/format';

interface Row extends AdminView {
  sourceText: string;
  appointedText: string;
}

const toRow = (admin: AdminView): Row => ({
  ...admin,
  sourceText: admin.source === 'deployment' ? '部署配置指定' : '小程序内任命',
  appointedText: admin.appointedAt ? formatTime(admin.appointedAt) : '',
});


Component({
  behaviors: [refreshPage],
  data: {
    loading: true,
    error: '',
    admins: [] as Row[],
    forName: '',
    forNameError: '',
    inviting: false,
    invitation: null as null | { code: string; forName: string; expiresText: string },
  },
  methods: {
    onLoad() {
      void this.load();
    },
    async load() {
      this.setData({ loading: this.data.admins.length === 0, error: '' });
      const reply = await call('community.admins', {}, { toast: false });
      if (!reply.ok) {
        this.setData({ loading: false, error: reply.error.message });
        return;
      }
      this.setData({ loading: false, admins: reply.data.map(toRow) });
    },
    onCommunities() {
      wx.navigateTo({ url: '/admin/communities/index' });
    },
    onForName(event: Vant.FieldChange) {
      this.setData({ forName: event.detail, forNameError: '' });
    },
    async onInvite() {
      const forName = this.data.forName.trim();
      if (!forName) {
        this.setData({ forNameError: '请填写被邀请人的姓名' });
        return;
      }
      this.setData({ inviting: true });
      const reply = await call('community.inviteAdmin', { forName }, { loading: '正在生成', toast: false });
      this.setData({ inviting: false });
      if (!reply.ok) {
        this.setData({ forNameError: reply.error.message });
        return;
      }
      this.setData({ invitation: { code: groupCode(reply.data.code), forName, expiresText: formatTime(reply.data.expiresAt) }, forName: '' });
    },
    onRemove(event: WechatMiniprogram.BaseEvent) {
      const admin = this.data.admins.find((row) => row.openid === event.currentTarget.dataset.openid);
      if (!admin) return;
      wx.showModal({
        title: '移除管理员',
        content: admin.me ? '移除后您将不再是管理员，确定吗？' : `确定移除“${admin.name}”的管理员身份吗？`,
        confirmText: '移除',
        confirmColor: '#c8372d',
        success: async (result) => {
          if (!result.confirm) return;
          const reply = await call('community.removeAdmin', { openid: admin.openid }, { loading: '正在移除' });
          if (!reply.ok) return;
          wx.showToast({ title: '已移除', icon: 'success' });
          this.setData({ admins: reply.data.map(toRow) });
        },
      });
    },
  },
});
