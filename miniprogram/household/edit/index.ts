/**
 * 登记 / 修改家庭户 (staff): the door (building of the community, unit, room — fixed once
 * registered: the door names the household), its members with their relation to the head (a
 * registered member keeps their account, so they stay linked, and their name is theirs to change),
 * the care flags (staff and the household's linker only) and a contact phone; saved with the
 * version read, so two staff editing at once do not overwrite each other. A registered household
 * gets a linker (联户长) picked by name or phone, or loses them.
 * First screen: a new household asks user.me, then community.get for the buildings; an existing one
 * is one household.get.
 */
import type { HouseholdView, PersonView } from '../../../core/contract';
import type { HouseholdFlag, HouseholdRelation } from '../../../core/model';
import { call } from '../../api/api';
import { confirm } from '../../utils/dialog';
import { isPhone, largeText } from '../../utils/format';
import { HOUSEHOLD_FLAGS, HOUSEHOLD_RELATIONS } from '../../utils/labels';

interface MemberRow {
  /** For wx:key: stays with the row while rows above it are removed. */
  key: number;
  name: string;
  relationIndex: number;
  openid?: string;
}

interface BuildingOption {
  building: string;
  label: string;
}

interface FlagChip {
  name: HouseholdFlag;
  checked: boolean;
}

type Field = 'building' | 'unit' | 'room' | 'members' | 'contactPhone';

const DOOR_PART = /^[0-9A-Za-z-]{1,8}$/;
/** "2单元" is unit 2 and "301室" room 301, as the cloud keys them (doorPartKey). */
const doorPart = (value: string): string =>
  value
    .normalize('NFKC')
    .replace(/\s+/g, '')
    .replace(/(单元|室|号)$/, '');
const MAX_MEMBERS = 12;

let nextKey = 1;
const memberRow = (name: string, relation: HouseholdRelation | '', openid?: string): MemberRow => ({
  key: nextKey++,
  name,
  relationIndex: relation ? HOUSEHOLD_RELATIONS.indexOf(relation) : -1,
  ...(openid ? { openid } : {}),
});

const flagChips = (checked: readonly HouseholdFlag[]): FlagChip[] => HOUSEHOLD_FLAGS.map((name) => ({ name, checked: checked.includes(name) }));

Component({
  data: {
    largeText: false,
    loading: true,
    error: '',
    householdId: '',
    /** The household as last read or saved; null while registering a new one. */
    household: null as HouseholdView | null,
    buildings: [] as BuildingOption[],
    buildingLabels: [] as string[],
    buildingIndex: -1,
    unit: '',
    room: '',
    members: [] as MemberRow[],
    relations: HOUSEHOLD_RELATIONS as readonly HouseholdRelation[],
    flags: flagChips([]),
    contactPhone: '',
    errors: {} as Partial<Record<Field, string>>,
    saveError: '',
    /** The save met a newer version: offer 刷新. */
    conflict: false,
    saving: false,
    // 联户长
    picking: false,
    query: '',
    people: [] as PersonView[],
    searched: false,
    searching: false,
    linkerError: '',
    assigning: false,
  },
  methods: {
    onLoad(query: Record<string, string | undefined> = {}) {
      this.setData({ largeText: largeText(), householdId: query.householdId ? decodeURIComponent(query.householdId) : '' });
      void this.load();
    },
    async load() {
      this.setData({ loading: true, error: '', saveError: '', conflict: false });
      if (!this.data.householdId) return this.loadBuildings();
      const reply = await call('household.get', { householdId: this.data.householdId }, { toast: false });
      if (!reply.ok) return this.setData({ loading: false, error: reply.error.message });
      this.show(reply.data.household);
    },
    async loadBuildings() {
      const me = await call('user.me', {}, { toast: false });
      if (!me.ok) return this.setData({ loading: false, error: me.error.message });
      if (!me.data.roles.includes('staff') || !me.data.communityId) return this.setData({ loading: false, error: '只有社区工作人员可以登记家庭户' });
      const community = await call('community.get', { communityId: me.data.communityId }, { toast: false });
      if (!community.ok) return this.setData({ loading: false, error: community.error.message });
      const buildings = community.data.grids.filter((grid) => !grid.retired).flatMap((grid) => grid.buildings.map((building) => ({ building, label: `${grid.name} · ${building}` })));
      this.setData({ loading: false, buildings, buildingLabels: buildings.map((option) => option.label), members: [memberRow('', '户主')] });
      wx.setNavigationBarTitle({ title: '登记家庭户' });
    },
    /** The form as the household is now (after reading, saving or 刷新). */
    show(household: HouseholdView) {
      this.setData({
        loading: false,
        householdId: household.id,
        household,
        unit: household.unit ?? '',
        room: household.room,
        members: household.members.map((member) => memberRow(member.name, member.relation, member.openid)),
        flags: flagChips(household.flags ?? []),
        contactPhone: household.contactPhone ?? '',
        errors: {},
      });
      wx.setNavigationBarTitle({ title: household.address });
    },

    // ---- the form -----------------------------------------------------------------------------
    onBuilding(event: WechatMiniprogram.PickerChange) {
      this.setData({ buildingIndex: Number(event.detail.value), 'errors.building': '', saveError: '' });
    },
    onField(event: Vant.FieldChange) {
      const field = String(event.currentTarget.dataset.field) as Field;
      this.setData({ [field]: event.detail, [`errors.${field}`]: '', saveError: '' });
    },
    onMemberName(event: Vant.FieldChange) {
      this.setData({ [`members[${Number(event.currentTarget.dataset.index)}].name`]: event.detail, 'errors.members': '', saveError: '' });
    },
    onMemberRelation(event: WechatMiniprogram.PickerChange) {
      this.setData({ [`members[${Number(event.currentTarget.dataset.index)}].relationIndex`]: Number(event.detail.value), 'errors.members': '', saveError: '' });
    },
    onAddMember() {
      if (this.data.members.length >= MAX_MEMBERS) return this.setData({ 'errors.members': `家庭成员最多 ${MAX_MEMBERS} 位` });
      this.setData({ members: [...this.data.members, memberRow('', '')], 'errors.members': '' });
    },
    onRemoveMember(event: WechatMiniprogram.BaseEvent) {
      const index = Number(event.currentTarget.dataset.index);
      this.setData({ members: this.data.members.filter((_, at) => at !== index), 'errors.members': '', saveError: '' });
    },
    onFlag(event: WechatMiniprogram.BaseEvent) {
      const index = Number(event.currentTarget.dataset.index);
      this.setData({ [`flags[${index}].checked`]: !this.data.flags[index]?.checked, saveError: '' });
    },
    validate(): boolean {
      const { household, buildingIndex, unit, room, members, contactPhone } = this.data;
      const errors: Partial<Record<Field, string>> = {};
      if (!household) {
        if (buildingIndex < 0) errors.building = '请选择楼栋';
        if (doorPart(unit) && !DOOR_PART.test(doorPart(unit))) errors.unit = '单元只能是 1–8 位数字或字母，如 2';
        if (!doorPart(room)) errors.room = '请填写门牌号';
        else if (!DOOR_PART.test(doorPart(room))) errors.room = '门牌号只能是 1–8 位数字或字母，如 301';
      }
      if (members.length === 0) errors.members = '请至少填写一位家庭成员';
      else if (members.some((member) => !member.name.trim())) errors.members = '请填写每位家庭成员的姓名';
      else if (members.some((member) => member.name.trim().length > 20)) errors.members = '姓名不能超过 20 个字';
      else if (members.some((member) => member.relationIndex < 0)) errors.members = '请选择每位家庭成员与户主的关系';
      if (contactPhone.trim() && !isPhone(contactPhone.trim())) errors.contactPhone = '请填写 11 位手机号，或留空';
      this.setData({ errors });
      return Object.keys(errors).length === 0;
    },
    async onSave() {
      if (this.data.saving || !this.validate()) return;
      const { household, buildings, buildingIndex, unit, room, members, flags, contactPhone } = this.data;
      // An existing household's door is fixed: it is sent as it was read.
      const door = household ? { householdId: household.id, version: household.version, building: household.building, unit: household.unit, room: household.room } : { building: buildings[buildingIndex]!.building, unit: doorPart(unit) || undefined, room: doorPart(room) };
      this.setData({ saving: true, saveError: '', conflict: false });
      const reply = await call(
        'household.upsert',
        {
          ...door,
          members: members.map((member) => ({ name: member.name.trim(), relation: HOUSEHOLD_RELATIONS[member.relationIndex]!, ...(member.openid ? { openid: member.openid } : {}) })),
          flags: flags.filter((flag) => flag.checked).map((flag) => flag.name),
          contactPhone: contactPhone.trim(),
        },
        { loading: '正在保存', toast: false },
      );
      this.setData({ saving: false });
      if (!reply.ok) return this.setData({ saveError: reply.error.message, conflict: reply.error.code === 'CONFLICT' && household !== null });
      this.show(reply.data);
      wx.showToast({ title: household ? '已保存' : '已登记', icon: 'none' });
    },

    onDetail() {
      wx.navigateTo({ url: `/household/detail/index?householdId=${encodeURIComponent(this.data.householdId)}` });
    },

    // ---- 联户长 -------------------------------------------------------------------------------
    onPickLinker() {
      this.setData({ picking: true, query: '', people: [], searched: false, linkerError: '' });
    },
    onCancelPick() {
      this.setData({ picking: false, linkerError: '' });
    },
    onQuery(event: Vant.FieldChange) {
      this.setData({ query: event.detail, linkerError: '' });
    },
    async onSearch() {
      const query = this.data.query.trim();
      if (!query) return this.setData({ linkerError: '请输入联户长的姓名或手机号' });
      if (/^\d+$/.test(query) && !isPhone(query)) return this.setData({ linkerError: '手机号应为 11 位，请输入完整的手机号' });
      if (this.data.searching) return;
      this.setData({ searching: true, linkerError: '' });
      const reply = await call('user.search', { query }, { toast: false });
      this.setData({ searching: false });
      if (!reply.ok) return this.setData({ linkerError: reply.error.message, people: [], searched: false });
      this.setData({ people: reply.data.items, searched: true });
    },
    async onPickPerson(event: WechatMiniprogram.BaseEvent) {
      await this.assign(String(event.currentTarget.dataset.openid));
    },
    async onRemoveLinker() {
      const household = this.data.household;
      if (!household?.linkerName) return;
      if (!(await confirm('取消联户长', `确定不再由${household.linkerName}联系这一户吗？`, '取消联户长'))) return;
      await this.assign(null);
    },
    async assign(linker: string | null) {
      const household = this.data.household;
      if (!household || this.data.assigning) return;
      this.setData({ assigning: true, linkerError: '' });
      const reply = await call('household.assignLinker', { householdId: household.id, version: household.version, linker }, { loading: '正在提交', toast: false });
      this.setData({ assigning: false });
      if (!reply.ok) return this.setData({ linkerError: reply.error.message, conflict: reply.error.code === 'CONFLICT' });
      // Only the linker and the version changed: the form keeps what is being edited.
      this.setData({ household: reply.data, picking: false, people: [], query: '' });
      wx.showToast({ title: linker ? '已安排联户长' : '已取消联户长', icon: 'none' });
    },
  },
});
