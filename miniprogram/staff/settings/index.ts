/**
 * 社区设置: everything community.updateSettings accepts, each section with its current value (what
 * applies, defaults filled in), a Chinese explanation and its own 保存, so the cloud's message for a
 * bad value shows under the section it is about. Settings that change what is paid (multipliers,
 * caps, hour rounding, the minutes check) are only proposed: the cloud replies `proposals`, the
 * page says another staff member must approve them and links to 积分规则审核; one staff member alone
 * changes nothing that pays. 事务办理规则: which affair categories the community takes, each with
 * its default deadline, and the street office level's department (督办) after so many missed deadlines.
 */
import type { CommunityDetailView, DepartmentView, EffectiveSettings, InputOf, RuleChangeView } from '../../../core/contract';
import type { AffairCategory, SettingField } from '../../../core/model';
import { call } from '../../api/api';
import { refreshPage } from '../../behaviors/refresh';
import { AFFAIR_CATEGORIES } from '../../utils/labels';

type NumberSection = Exclude<SettingField, 'requireOrderReview' | 'hourRounding' | 'affairRules'>;

/** 事务办理规则 as the page edits it: every category, taken or not, with its hours as typed. */
interface AffairCategoryRow {
  name: AffairCategory;
  taken: boolean;
  hours: string;
}

function affairRowsOf(settings: EffectiveSettings): AffairCategoryRow[] {
  return AFFAIR_CATEGORIES.map((name) => {
    const taken = settings.affairRules.categories.find((item) => item.name === name);
    return { name, taken: taken !== undefined, hours: String(taken?.deadlineHours ?? 72) };
  });
}

/** 不报街道督办, then the departments that may be chosen (active 街道办 ones, and the one chosen now). */
function streetOptionsOf(departments: readonly DepartmentView[], current: string | undefined): Array<{ id: string; name: string }> {
  const eligible = departments.filter((department) => (department.active && department.kind === '街道办') || department.id === current);
  return [{ id: '', name: '不报街道督办' }, ...eligible.map(({ id, name }) => ({ id, name }))];
}

interface FieldSpec {
  /** The key in the page's data (path-safe: no digits first). */
  key: string;
  /** The key in the setting (scoreMultipliers' '1'…'5'); absent for a single number. */
  name?: string;
  label: string;
  unit: string;
}

interface SectionSpec {
  key: NumberSection;
  title: string;
  explain: string;
  /** Changes what is paid: proposed, then approved by another staff member. */
  fourEyes: boolean;
  fields: FieldSpec[];
}

/** The sections of plain numbers, in the order of the page. */
const NUMBER_SECTIONS: SectionSpec[] = [
  {
    key: 'acceptTimeoutMinutes',
    title: '接单时限',
    explain: '订单派给志愿者后，超过这个时间仍未接单，就退回派单台，改派给其他志愿者。',
    fourEyes: false,
    fields: [{ key: 'value', label: '时限', unit: '分钟' }],
  },
  {
    key: 'orderLimits',
    title: '下单上限',
    explain: '防止误操作或恶意刷单。代下单指工作人员、网格员替没有微信的老人下单。',
    fourEyes: false,
    fields: [
      { key: 'openPerResident', label: '居民未完成订单', unit: '单' },
      { key: 'perResidentPerDay', label: '居民每天下单', unit: '单' },
      { key: 'openOnBehalf', label: '代下单未完成', unit: '单' },
      { key: 'onBehalfPerDay', label: '每天代下单', unit: '单' },
    ],
  },
  {
    key: 'dailyLimits',
    title: '每人每天上限',
    explain: '每人每天最多可以做几次，超过后第二天再来。',
    fourEyes: false,
    fields: [
      { key: 'redemptions', label: '积分兑换', unit: '次' },
      { key: 'certificates', label: '申请服务证明', unit: '次' },
      { key: 'nominations', label: '好人好事推荐', unit: '次' },
      { key: 'corrections', label: '申请记录更正', unit: '次' },
      { key: 'handBacks', label: '志愿者退单', unit: '次' },
    ],
  },
  {
    key: 'householdsPerLinker',
    title: '联户长联系户数',
    explain: '每位联户长（党员联系户、社区管家）最多联系的家庭户数，联户长能看到所联系户的电话和需要关照的情况。十联户为 10 户，社区管家可设为 40–50 户。',
    fourEyes: true,
    fields: [{ key: 'value', label: '最多', unit: '户' }],
  },
  {
    key: 'scoreMultipliers',
    title: '评分积分倍数',
    explain: '工作人员给服务评 1–5 分，志愿者得到“基础积分 × 倍数”。评分越高，倍数不能越低。',
    fourEyes: true,
    fields: ['1', '2', '3', '4', '5'].map((score) => ({ key: `score${score}`, name: score, label: `${score} 分`, unit: '倍' })),
  },
  {
    key: 'pointsCaps',
    title: '积分上限',
    explain: '任何人设置积分时都不能超过这些上限，防止一次发放过多积分。',
    fourEyes: true,
    fields: [
      { key: 'servicePoints', label: '服务基础积分', unit: '分' },
      { key: 'scoreMultiplier', label: '评分倍数', unit: '倍' },
      { key: 'activityPointsPerHour', label: '活动每小时积分', unit: '分' },
      { key: 'awardPoints', label: '好人好事奖励', unit: '分' },
    ],
  },
  {
    key: 'minutesCheckRatio',
    title: '服务时长核实',
    explain: '志愿者填写的服务时长超过服务预计用时的这个倍数时，须由评分的工作人员核实后才计入服务记录。',
    fourEyes: true,
    fields: [{ key: 'value', label: '超过预计用时', unit: '倍' }],
  },
];

type Values = Record<string, Record<string, string>>;
type Step = { upToMinutes: string; hours: string };

/** A typed number; an empty box is sent as not-a-number, so the cloud names what is missing. */
const toNumber = (text: unknown): number => {
  if (typeof text === 'number') return text;
  return typeof text === 'string' && text.trim() !== '' ? Number(text.trim()) : Number.NaN;
};

function valuesOf(settings: EffectiveSettings): Values {
  const values: Values = {};
  for (const section of NUMBER_SECTIONS) {
    const current = settings[section.key] as number | Record<string, number>;
    values[section.key] = Object.fromEntries(
      section.fields.map((field) => [field.key, String(typeof current === 'number' ? current : current[field.name ?? field.key])]),
    );
  }
  return values;
}

const stepsOf = (settings: EffectiveSettings): Step[] => settings.hourRounding.steps.map((step) => ({ upToMinutes: String(step.upToMinutes), hours: String(step.hours) }));

function sectionInput(section: SectionSpec, values: Record<string, string>): unknown {
  if (section.fields.length === 1 && section.fields[0]!.key === 'value') return toNumber(values.value);
  return Object.fromEntries(section.fields.map((field) => [field.name ?? field.key, toNumber(values[field.key])]));
}

Component({
  behaviors: [refreshPage],
  data: {
    loading: true,
    error: '',
    communityId: '',
    communityName: '',
    sections: NUMBER_SECTIONS,
    requireOrderReview: false,
    values: {} as Values,
    steps: [] as Step[],
    /** The cloud's message per section ('' when none). */
    errors: {} as Record<string, string>,
    /** A section being saved. */
    saving: '',
    /** Per section: a proposal is waiting for another staff member (its new value in words). */
    pending: {} as Record<string, string>,
    /** Per section: just proposed from this page. */
    submitted: {} as Record<string, boolean>,
    affairRows: [] as AffairCategoryRow[],
    escalateAfter: '',
    streetOptions: [] as Array<{ id: string; name: string }>,
    streetNames: [] as string[],
    streetIndex: 0,
    departments: [] as DepartmentView[],
  },
  methods: {
    onLoad() {
      void this.load();
    },
    async load() {
      this.setData({ loading: true, error: '' });
      const me = await call('user.me', {}, { toast: false });
      if (!me.ok) return this.setData({ loading: false, error: me.error.message });
      // Staff set their own community's; an administrator without one sets the first community's.
      let communityId = me.data.communityId;
      if (!communityId) {
        const list = await call('community.list', {}, { toast: false });
        if (!list.ok) return this.setData({ loading: false, error: list.error.message });
        communityId = list.data[0]?.id;
      }
      if (!communityId) return this.setData({ loading: false, error: '还没有社区，请先创建社区' });
      const [community, pending, departments] = await Promise.all([
        call('community.get', { communityId }, { toast: false }),
        call('community.ruleChanges', { communityId, status: 'pending' }, { toast: false }),
        call('department.list', {}, { toast: false }),
      ]);
      if (!community.ok) return this.setData({ loading: false, error: community.error.message });
      this.setData({ departments: departments.ok ? departments.data : [] });
      this.show(community.data);
      this.setData({ loading: false, pending: pending.ok ? this.pendingOf(pending.data.items) : {} });
    },
    show(community: CommunityDetailView) {
      this.setData({
        communityId: community.id,
        communityName: community.name,
        requireOrderReview: community.settings.requireOrderReview,
        values: valuesOf(community.settings),
        steps: stepsOf(community.settings),
      });
      this.showAffairRules(community.settings);
    },
    showAffairRules(settings: EffectiveSettings) {
      const current = settings.affairRules.streetDepartmentId;
      const streetOptions = streetOptionsOf(this.data.departments, current);
      this.setData({
        affairRows: affairRowsOf(settings),
        escalateAfter: String(settings.affairRules.escalateAfterOverdues),
        streetOptions,
        streetNames: streetOptions.map((option) => option.name),
        streetIndex: Math.max(0, streetOptions.findIndex((option) => option.id === (current ?? ''))),
      });
    },
    onAffairTaken(event: WechatMiniprogram.BaseEvent & { detail: boolean }) {
      const index = Number(event.currentTarget.dataset.index);
      this.setData({ [`affairRows[${index}].taken`]: event.detail === true, 'errors.affairRules': '' });
    },
    onAffairHours(event: Vant.FieldChange) {
      const index = Number(event.currentTarget.dataset.index);
      this.setData({ [`affairRows[${index}].hours`]: event.detail, 'errors.affairRules': '' });
    },
    onEscalateAfter(event: Vant.FieldChange) {
      this.setData({ escalateAfter: event.detail, 'errors.affairRules': '' });
    },
    onStreet(event: WechatMiniprogram.PickerChange) {
      this.setData({ streetIndex: Number(event.detail.value), 'errors.affairRules': '' });
    },
    pendingOf(changes: RuleChangeView[]): Record<string, string> {
      const pending: Record<string, string> = {};
      for (const change of changes) if (change.kind === 'community_setting' && change.field) pending[change.field] = change.after;
      return pending;
    },

    onInput(event: Vant.FieldChange) {
      const { section, field } = event.currentTarget.dataset as { section: string; field: string };
      this.setData({ [`values.${section}.${field}`]: event.detail, [`errors.${section}`]: '' });
    },
    onStepInput(event: Vant.FieldChange) {
      const { index, field } = event.currentTarget.dataset as { index: number; field: keyof Step };
      this.setData({ [`steps[${index}].${field}`]: event.detail, 'errors.hourRounding': '' });
    },
    onAddStep() {
      this.setData({ steps: [...this.data.steps, { upToMinutes: '', hours: '' }], 'errors.hourRounding': '' });
    },
    onRemoveStep(event: WechatMiniprogram.BaseEvent) {
      const index = Number(event.currentTarget.dataset.index);
      this.setData({ steps: this.data.steps.filter((_, at) => at !== index), 'errors.hourRounding': '' });
    },
    onOrderReview(event: { detail: boolean }) {
      this.setData({ requireOrderReview: event.detail });
      void this.save('requireOrderReview', event.detail);
    },
    onSave(event: WechatMiniprogram.BaseEvent) {
      const key = String(event.currentTarget.dataset.section) as SettingField;
      if (key === 'hourRounding') {
        const steps = this.data.steps.map((step) => ({ upToMinutes: toNumber(step.upToMinutes), hours: toNumber(step.hours) }));
        void this.save(key, { steps });
        return;
      }
      if (key === 'affairRules') {
        const street = this.data.streetOptions[this.data.streetIndex]?.id;
        void this.save(key, {
          categories: this.data.affairRows.filter((row) => row.taken).map((row) => ({ name: row.name, deadlineHours: toNumber(row.hours) })),
          escalateAfterOverdues: toNumber(this.data.escalateAfter),
          ...(street ? { streetDepartmentId: street } : {}),
        });
        return;
      }
      const section = NUMBER_SECTIONS.find((candidate) => candidate.key === key);
      if (section) void this.save(key, sectionInput(section, this.data.values[key] ?? {}));
    },

    /** Sends one setting; shows its result under its section. */
    async save(key: SettingField, value: unknown) {
      if (this.data.saving) return;
      this.setData({ saving: key, [`errors.${key}`]: '', [`submitted.${key}`]: false });
      const input = { communityId: this.data.communityId, [key]: value } as InputOf<'community.updateSettings'>;
      const reply = await call('community.updateSettings', input, { loading: '正在保存', toast: false });
      this.setData({ saving: '' });
      if (!reply.ok) {
        this.setData({ [`errors.${key}`]: reply.error.message });
        // The switch shows what applies, not what was refused.
        if (key === 'requireOrderReview') this.setData({ requireOrderReview: !value });
        return;
      }
      const proposal = reply.data.proposals.find((change) => change.field === key);
      const fourEyes = key === 'hourRounding' || key === 'affairRules' || NUMBER_SECTIONS.some((section) => section.key === key && section.fourEyes);
      // The section shows what applies now: a proposal changes nothing until it is approved.
      this.refreshSection(key, reply.data);
      if (proposal) {
        this.setData({ [`submitted.${key}`]: true, [`pending.${key}`]: proposal.after });
      } else {
        // A setting that pays is always proposed when it changes: no proposal means no change.
        wx.showToast({ title: fourEyes ? '设置没有变化' : '已保存', icon: fourEyes ? 'none' : 'success' });
      }
    },
    refreshSection(key: SettingField, community: CommunityDetailView) {
      if (key === 'requireOrderReview') this.setData({ requireOrderReview: community.settings.requireOrderReview });
      else if (key === 'hourRounding') this.setData({ steps: stepsOf(community.settings) });
      else if (key === 'affairRules') this.showAffairRules(community.settings);
      else this.setData({ [`values.${key}`]: valuesOf(community.settings)[key] });
    },
    onToRules() {
      void wx.navigateTo({ url: '/staff/rules/index' });
    },
  },
});
