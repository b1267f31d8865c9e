/**
 * 社区信息: an administrator creates a community (name, street office, office address and phone,
 * and its first grid with its buildings: a community has at least one), or an administrator or its
 * staff edit those details. Without `communityId` and without `new`, staff edit their own.
 * Once saved, the page links to the other setup pages of the community.
 */
import { call } from '../../api/api';
import { communityIdOf } from '../community-id';

type Field = 'name' | 'district' | 'address' | 'contact' | 'gridName' | 'buildings';

/** 1栋、2栋 3栋,4栋: any of the separators people type. */
const splitBuildings = (text: string) => [...new Set(text.split(/[\s,，、;；]+/).map((name) => name.trim()).filter(Boolean))];

Component({
  data: {
    loading: true,
    error: '',
    creating: false,
    communityId: '',
    form: { name: '', district: '', address: '', contact: '', gridName: '第一网格', buildings: '' } as Record<Field, string>,
    errors: {} as Partial<Record<Field, string>>,
    saving: false,
  },
  methods: {
    onLoad(options: { communityId?: string; new?: string }) {
      if (options?.new) {
        this.setData({ loading: false, creating: true });
        wx.setNavigationBarTitle({ title: '新建社区' });
        return;
      }
      void this.load(options);
    },
    async load(options?: { communityId?: string }) {
      this.setData({ loading: true, error: '' });
      const target = await communityIdOf(options ?? { communityId: this.data.communityId });
      if ('error' in target) {
        this.setData({ loading: false, error: target.error });
        return;
      }
      const reply = await call('community.get', { communityId: target.communityId }, { toast: false });
      if (!reply.ok) {
        this.setData({ loading: false, error: reply.error.message });
        return;
      }
      const { name, district = '', address = '', contact = '' } = reply.data;
      this.setData({ loading: false, communityId: target.communityId, form: { ...this.data.form, name, district, address, contact } });
    },
    onInput(event: Vant.FieldChange) {
      const field = String(event.currentTarget.dataset.field) as Field;
      this.setData({ [`form.${field}`]: event.detail, [`errors.${field}`]: '' });
    },
    async onSave() {
      const form = Object.fromEntries(Object.entries(this.data.form).map(([key, value]) => [key, value.trim()])) as Record<Field, string>;
      const buildings = splitBuildings(form.buildings);
      const errors: Partial<Record<Field, string>> = {
        ...(form.name ? {} : { name: '请填写社区名称' }),
        ...(this.data.creating && !form.gridName ? { gridName: '请填写网格名称' } : {}),
        ...(this.data.creating && buildings.length === 0 ? { buildings: '请至少填写一栋楼，如“1栋、2栋”' } : {}),
      };
      this.setData({ errors });
      if (Object.keys(errors).length > 0) return;
      this.setData({ saving: true });
      let communityId = this.data.communityId;
      const creating = this.data.creating;
      if (creating) {
        const created = await call(
          'community.create',
          { name: form.name, ...(form.district ? { district: form.district } : {}), grids: [{ id: 'g1', name: form.gridName, buildings }] },
          { loading: '正在创建', toast: false },
        );
        if (!created.ok) {
          this.setData({ saving: false, errors: /楼栋/.test(created.error.message) ? { buildings: created.error.message } : /网格/.test(created.error.message) ? { gridName: created.error.message } : { name: created.error.message } });
          return;
        }
        communityId = created.data.id;
        this.setData({ creating: false, communityId });
      }
      const details = { district: form.district, address: form.address, contact: form.contact };
      // A new community's office address and phone are saved right after it (community.create takes neither).
      if (!creating || form.address || form.contact) {
        const updated = await call('community.update', { communityId, name: form.name, ...details }, { loading: '正在保存', toast: false });
        if (!updated.ok) {
          const message = updated.error.message;
          const field: Field = /电话/.test(message) ? 'contact' : /地址/.test(message) ? 'address' : /街道/.test(message) ? 'district' : 'name';
          this.setData({ saving: false, errors: { [field]: message } });
          return;
        }
      }
      this.setData({ saving: false });
      wx.showToast({ title: '已保存', icon: 'success' });
      wx.setNavigationBarTitle({ title: '社区信息' });
    },
    onGo(event: WechatMiniprogram.BaseEvent) {
      wx.navigateTo({ url: `${String(event.currentTarget.dataset.url)}?communityId=${this.data.communityId}` });
    },
  },
});
