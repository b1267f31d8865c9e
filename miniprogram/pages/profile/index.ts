/**
 * 修改资料: a registered person changes their name and address (grid, building, unit, room) with the
 * same pickers as the registration on 我的. The phone is not here: it comes from WeChat's
 * phone-number button on 我的 (验证 / 换绑), never typed. The community stays: moving to another
 * community is registering there anew.
 */
import type { CommunityDetailView, MeView } from '../../../core/contract';
import type { Address } from '../../../core/model';
import { call } from '../../api/api';
import { checkAddressForm } from '../../utils/address-form';

type Field = 'name' | 'grid' | 'building' | 'unit' | 'room';

Component({
  data: {
    loading: true,
    error: '',
    me: null as MeView | null,
    community: null as CommunityDetailView | null,
    gridNames: [] as string[],
    gridIndex: -1,
    buildings: [] as string[],
    buildingIndex: -1,
    name: '',
    unit: '',
    room: '',
    errors: {} as Partial<Record<Field, string>>,
    /** The cloud's refusal, shown above the button. */
    saveError: '',
    submitting: false,
  },
  methods: {
    onLoad() {
      void this.load();
    },
    async load() {
      this.setData({ loading: true, error: '' });
      const me = await call('user.me', {}, { toast: false });
      if (!me.ok) return this.setData({ loading: false, error: me.error.message });
      const profile = me.data.profile;
      if (!profile) return this.setData({ loading: false, error: '请先在“我的”页面完成登记' });
      const community = await call('community.get', { communityId: profile.communityId }, { toast: false });
      if (!community.ok) return this.setData({ loading: false, error: community.error.message });
      const grids = community.data.grids;
      const gridIndex = grids.findIndex((grid) => grid.id === profile.address.gridId);
      const buildings = grids[gridIndex]?.buildings ?? [];
      this.setData({
        loading: false,
        me: me.data,
        community: community.data,
        gridNames: grids.map((grid) => grid.name),
        gridIndex,
        buildings,
        // A building no longer in the list (or a workplace) shows as not chosen.
        buildingIndex: buildings.indexOf(profile.address.building),
        name: profile.name,
        unit: profile.address.unit ?? '',
        room: profile.address.room ?? '',
      });
    },
    onGrid(event: WechatMiniprogram.PickerChange) {
      const index = Number(event.detail.value);
      const grid = this.data.community?.grids[index];
      this.setData({ gridIndex: index, buildings: grid ? grid.buildings : [], buildingIndex: -1, 'errors.grid': '', saveError: '' });
    },
    onBuilding(event: WechatMiniprogram.PickerChange) {
      this.setData({ buildingIndex: Number(event.detail.value), 'errors.building': '', saveError: '' });
    },
    onInput(event: Vant.FieldChange) {
      const field = String(event.currentTarget.dataset.field) as Field;
      this.setData({ [field]: event.detail, [`errors.${field}`]: '', saveError: '' });
    },
    /** The change if the form is complete (else the errors are shown and it is null). */
    change(): { name: string; address: Address } | null {
      const { data } = this;
      const { errors, value } = checkAddressForm({ grid: data.community?.grids[data.gridIndex], building: data.buildings[data.buildingIndex], name: data.name, unit: data.unit, room: data.room });
      this.setData({ errors });
      return value;
    },
    async onSave() {
      if (this.data.submitting) return;
      const change = this.change();
      if (!change) return;
      this.setData({ submitting: true, saveError: '' });
      const reply = await call('user.updateProfile', change, { loading: '正在保存', toast: false });
      this.setData({ submitting: false });
      if (!reply.ok) return this.setData({ saveError: reply.error.message });
      wx.showToast({ title: '资料已保存', icon: 'success' });
      this.setData({ me: reply.data });
    },
  },
});
