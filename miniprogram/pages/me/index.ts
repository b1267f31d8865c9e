/**
 * 我的 (TAB). A newcomer registers to a community (community, grid and building pickers, name) with
 * one button that also brings their phone from WeChat (手机号快速验证, never typed); a resident binds
 * or changes (换绑) that phone the same way; a resident sees the profile and points, applies as a volunteer or opens the volunteer and
 * staff pages that their roles allow (a volunteer also sees their star level, from recorded hours);
 * anyone registered reports a problem and follows their reports (社区事务: staff also open the 事务台,
 * a department's people their 部门待办);
 * anyone can open 证明核验; everyone can switch on large text (适老化); in local mode a
 * developer picks whose identity to use. Registering needs consent to the privacy policy (a
 * checkbox naming it); 隐私政策, 导出我的数据 and 注销账号 are under 设置.
 */
import type { CommunityDetailView, CommunityView, MeView } from '../../../core/contract';
import type { Address, Grid } from '../../../core/model';
import { DEMO_IDENTITIES } from '../../config';
import { call } from '../../api/api';
import { type PhoneNumberDetail, phoneCodeOf } from '../../api/phone';
import { currentOpenid, switchOpenid } from '../../api/session';
import { askToSubscribe } from '../../api/subscribe';
import { usesLocalCloud } from '../../api/target';
import { refreshPage } from '../../behaviors/refresh';
import { checkAddressForm } from '../../utils/address-form';
import { formatAddress, largeText, setLargeText } from '../../utils/format';
import { beijingToday, levelText, starsText } from '../../utils/records';

type Mode = 'profile' | 'register' | 'apply';
type RegisterField = 'name' | 'unit' | 'room' | 'community' | 'grid' | 'building' | 'consent';
type ApplyField = 'realName' | 'birthDate' | 'gender' | 'idNumber' | 'skills' | 'availability' | 'partyOrganisation' | 'grid' | 'consent';

const VOLUNTEER_STATUS_TEXT = { pending: '审核中', approved: '已通过', rejected: '未通过' } as const;

Component({
  behaviors: [refreshPage],
  data: {
    largeText: false,
    loading: true,
    error: '',
    mode: 'profile' as Mode,
    me: null as MeView | null,
    balance: 0,
    addressText: '',
    isStaff: false,
    /** Staff proper (not grid workers): activities and record corrections are theirs. */
    isStaffRole: false,
    isAdmin: false,
    /** Someone of a department the community whistles to (部门待办). */
    isDepartment: false,
    volunteerStatusText: '',
    starsText: '',
    levelText: '',
    skillOptions: [] as string[],
    // registration
    communities: [] as CommunityView[],
    communityNames: [] as string[],
    communityIndex: -1,
    community: null as CommunityDetailView | null,
    gridNames: [] as string[],
    gridIndex: -1,
    buildings: [] as string[],
    buildingIndex: -1,
    name: '',
    unit: '',
    room: '',
    /** Agreed to the privacy policy (user.register refuses without it). */
    consent: false,
    errors: {} as Partial<Record<RegisterField, string>>,
    // volunteer application
    apply: {
      realName: '',
      birthDate: '',
      gender: '' as '' | '男' | '女',
      idNumber: '',
      skills: [] as string[],
      availability: '',
      partyMember: false,
      partyOrganisation: '',
      gridIndex: -1,
      consent: false,
    },
    applyErrors: {} as Partial<Record<ApplyField, string>>,
    today: beijingToday(),
    submitting: false,
    bindingPhone: false,
    savingAvailable: false,
    // developer identity (local mode only)
    local: false,
    identityLabels: DEMO_IDENTITIES.map((i) => i.label),
    identityIndex: 0,
  },
  methods: {
    onLoad() {
      const openid = currentOpenid();
      this.setData({
        largeText: largeText(),
        local: usesLocalCloud(),
        identityIndex: Math.max(0, DEMO_IDENTITIES.findIndex((i) => i.openid === openid)),
      });
      void this.load();
    },
    async load() {
      this.setData({ loading: true, error: '' });
      const reply = await call('user.home', {}, { toast: false });
      if (!reply.ok) {
        this.setData({ loading: false, error: reply.error.message });
        return;
      }
      const { me, balance, services } = reply.data;
      const skills = [...new Set(services.flatMap((s) => s.skills))];
      this.setData({
        me,
        balance,
        skillOptions: skills,
        addressText: me.profile ? formatAddress(me.profile.address) : '',
        isStaff: me.roles.includes('staff') || me.roles.includes('grid_worker'),
        isStaffRole: me.roles.includes('staff'),
        isAdmin: me.roles.includes('admin'),
        isDepartment: me.roles.includes('department'),
        volunteerStatusText: me.volunteer ? VOLUNTEER_STATUS_TEXT[me.volunteer.status] : '',
        starsText: me.volunteer ? starsText(me.volunteer.level.stars) : '',
        levelText: me.volunteer ? levelText(me.volunteer.level, me.volunteer.hours) : '',
      });
      if (me.profile) {
        this.setData({ loading: false, mode: 'profile' });
        return;
      }
      const list = await call('community.list', {}, { toast: false });
      if (!list.ok) {
        this.setData({ loading: false, error: list.error.message });
        return;
      }
      this.setData({ loading: false, mode: 'register', communities: list.data, communityNames: list.data.map((c) => c.name) });
      if (list.data.length === 1) await this.chooseCommunity(0);
    },

    // ---- registration ----
    async chooseCommunity(index: number) {
      const chosen = this.data.communities[index];
      if (!chosen) return;
      this.setData({ communityIndex: index, community: null, gridNames: [], gridIndex: -1, buildings: [], buildingIndex: -1, 'errors.community': '' });
      const reply = await call('community.get', { communityId: chosen.id });
      if (reply.ok) this.setData({ community: reply.data, gridNames: reply.data.grids.map((g) => g.name) });
    },
    onCommunity(event: WechatMiniprogram.PickerChange) {
      void this.chooseCommunity(Number(event.detail.value));
    },
    onGrid(event: WechatMiniprogram.PickerChange) {
      const index = Number(event.detail.value);
      const grid: Grid | undefined = this.data.community?.grids[index];
      this.setData({ gridIndex: index, buildings: grid ? grid.buildings : [], buildingIndex: -1, 'errors.grid': '' });
    },
    onBuilding(event: WechatMiniprogram.PickerChange) {
      this.setData({ buildingIndex: Number(event.detail.value), 'errors.building': '' });
    },
    onRegisterInput(event: Vant.FieldChange) {
      const field = String(event.currentTarget.dataset.field) as RegisterField;
      this.setData({ [field]: event.detail, [`errors.${field}`]: '' });
    },
    onRegisterConsent(event: Vant.CheckboxChange) {
      this.setData({ consent: event.detail, 'errors.consent': '' });
    },
    /** The tap on 用微信手机号登记: what is missing shows at once, while WeChat asks for the number. */
    onRegisterTap() {
      this.registration();
    },
    /** The registration if the form is complete (else the errors are shown and it is null). */
    registration(): { communityId: string; name: string; address: Address; consent: true } | null {
      const { data } = this;
      const community = data.community;
      const form = checkAddressForm({ grid: community?.grids[data.gridIndex], building: data.buildings[data.buildingIndex], name: data.name, unit: data.unit, room: data.room });
      const errors: Partial<Record<RegisterField, string>> = { ...(community ? {} : { community: '请选择所在社区' }), ...form.errors };
      if (!data.consent) errors.consent = '请阅读并同意《隐私政策》';
      this.setData({ errors });
      if (!community || !form.value || !data.consent) return null;
      return { communityId: community.id, ...form.value, consent: true };
    },
    /** WeChat gave the number's code: register with it (the cloud exchanges it once). */
    async onRegister(event: { detail?: PhoneNumberDetail }) {
      if (this.data.submitting) return;
      const registration = this.registration();
      if (!registration) return;
      this.setData({ submitting: true });
      const phoneCode = await phoneCodeOf(event.detail);
      if (!phoneCode) {
        this.setData({ submitting: false });
        return;
      }
      const reply = await call('user.register', { ...registration, phoneCode }, { loading: '正在登记' });
      this.setData({ submitting: false });
      if (reply.ok) {
        wx.showToast({ title: '登记成功', icon: 'success' });
        await this.load();
      }
    },

    // ---- volunteer application ----
    async onStartApply() {
      const me = this.data.me;
      if (!me?.profile) return;
      this.setData({ submitting: true });
      const reply = await call('community.get', { communityId: me.profile.communityId }, { loading: '正在加载' });
      this.setData({ submitting: false });
      if (!reply.ok) return;
      const gridIndex = reply.data.grids.findIndex((g) => g.id === me.profile?.address.gridId);
      this.setData({
        mode: 'apply',
        community: reply.data,
        gridNames: reply.data.grids.map((g) => g.name),
        applyErrors: {},
        apply: {
          realName: me.profile.name,
          birthDate: '',
          gender: '',
          idNumber: '',
          skills: [],
          availability: '',
          partyMember: false,
          partyOrganisation: '',
          gridIndex,
          consent: false,
        },
      });
    },
    onCancelApply() {
      this.setData({ mode: 'profile' });
    },
    onApplyInput(event: Vant.FieldChange) {
      const field = String(event.currentTarget.dataset.field) as ApplyField;
      this.setData({ [`apply.${field}`]: event.detail, [`applyErrors.${field}`]: '' });
    },
    onBirthDate(event: WechatMiniprogram.PickerChange) {
      this.setData({ 'apply.birthDate': String(event.detail.value), 'applyErrors.birthDate': '' });
    },
    onGender(event: Vant.RadioGroupChange) {
      this.setData({ 'apply.gender': event.detail === '男' || event.detail === '女' ? event.detail : '' });
    },
    onSkills(event: Vant.CheckboxGroupChange) {
      this.setData({ 'apply.skills': event.detail, 'applyErrors.skills': '' });
    },
    onPartyMember(event: Vant.SwitchChange) {
      this.setData({ 'apply.partyMember': event.detail });
    },
    onApplyGrid(event: WechatMiniprogram.PickerChange) {
      this.setData({ 'apply.gridIndex': Number(event.detail.value), 'applyErrors.grid': '' });
    },
    onConsent(event: Vant.CheckboxChange) {
      this.setData({ 'apply.consent': event.detail, 'applyErrors.consent': '' });
    },
    async onApply() {
      if (this.data.submitting) return;
      const a = this.data.apply;
      const errors: Partial<Record<ApplyField, string>> = {};
      const realName = a.realName.trim();
      if (!realName) errors.realName = '请填写真实姓名';
      else if (realName.length > 20) errors.realName = '姓名不能超过 20 个字';
      if (!a.birthDate) errors.birthDate = '请选择出生日期';
      // Optional; the server checks the check digit and that it agrees with the birth date.
      const idNumber = a.idNumber.replace(/\s/g, '').toUpperCase();
      if (idNumber && !/^\d{17}[\dX]$/.test(idNumber)) errors.idNumber = '身份证号码是 18 位，最后一位可能是 X';
      if (a.skills.length === 0) errors.skills = '请至少选择一项技能';
      if (!a.availability.trim()) errors.availability = '请填写可服务时间';
      else if (a.availability.trim().length > 100) errors.availability = '可服务时间不能超过 100 个字';
      if (a.partyMember && !a.partyOrganisation.trim()) errors.partyOrganisation = '党员请填写所在党组织';
      const grid = this.data.community?.grids[a.gridIndex];
      if (!grid) errors.grid = '请选择服务网格';
      if (!a.consent) errors.consent = '请阅读并同意志愿者服务协议';
      this.setData({ applyErrors: errors });
      if (Object.keys(errors).length > 0 || !grid) return;
      this.setData({ submitting: true });
      const reply = await call(
        'volunteer.apply',
        {
          realName,
          birthDate: a.birthDate,
          ...(a.gender ? { gender: a.gender } : {}),
          ...(idNumber ? { idNumber } : {}),
          skills: a.skills,
          availability: a.availability.trim(),
          partyMember: a.partyMember,
          ...(a.partyMember ? { partyOrganisation: a.partyOrganisation.trim() } : {}),
          gridId: grid.id,
          consent: true,
        },
        { loading: '正在提交' },
      );
      this.setData({ submitting: false });
      if (reply.ok) {
        wx.showToast({ title: '已提交，等待社区审核', icon: 'none' });
        await this.load();
      }
    },

    /** 验证手机号 / 换绑手机号: the number WeChat vouches for replaces the one on the profile. */
    async onBindPhone(event: { detail?: PhoneNumberDetail }) {
      if (this.data.bindingPhone) return;
      this.setData({ bindingPhone: true });
      const code = await phoneCodeOf(event.detail);
      const reply = code ? await call('user.bindPhone', { code }, { loading: '正在验证' }) : null;
      this.setData({ bindingPhone: false });
      if (!reply?.ok) return;
      this.setData({ 'me.profile': reply.data.profile });
      wx.showToast({ title: '手机号已验证', icon: 'success' });
    },

    /** A volunteer pauses or resumes new assignments (志愿服务条例 Art. 25: nobody is made to serve). */
    async onAvailable(event: Vant.SwitchChange) {
      if (this.data.savingAvailable) return;
      const available = event.detail === true;
      // Resuming is when the next assignment's notice is wanted; asked inside the tap, as WeChat requires.
      if (available) void askToSubscribe(['order_assigned']);
      this.setData({ savingAvailable: true });
      const reply = await call('volunteer.setAvailable', { available });
      this.setData({ savingAvailable: false });
      if (!reply.ok) return;
      this.setData({ 'me.volunteer.available': reply.data.available });
      wx.showToast({ title: reply.data.available ? '已恢复接单' : '已暂停接单', icon: 'none' });
    },

    // ---- entries and settings ----
    onGo(event: WechatMiniprogram.BaseEvent) {
      wx.navigateTo({ url: String(event.currentTarget.dataset.url) });
    },
    onLargeText(event: Vant.SwitchChange) {
      setLargeText(event.detail);
      this.setData({ largeText: event.detail });
    },
    onIdentity(event: WechatMiniprogram.PickerChange) {
      const identity = DEMO_IDENTITIES[Number(event.detail.value)];
      if (!identity) return;
      switchOpenid(identity.openid);
      wx.reLaunch({ url: '/pages/home/index' });
    },
  },
});
