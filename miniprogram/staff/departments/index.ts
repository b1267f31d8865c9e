/**
 * 部门管理 (staff): the departments and units the community whistles to (吹哨), each with its kind,
 * the categories of problems it handles, its office phone and whether it is taking affairs (停用 ones
 * are kept, for the affairs they handled, but offered to no one). Staff add or edit one in a form;
 * an edit sends the version it was read at, so a colleague's edit made meanwhile is not overwritten:
 * the page then reloads and says so.
 */
import type { DepartmentView } from '../../../core/contract';
import type { AffairCategory, DepartmentKind } from '../../../core/model';
import { call } from '../../api/api';
import { listPage, rows } from '../../behaviors/list-page';
import { largeText } from '../../utils/format';
import { AFFAIR_CATEGORIES, DEPARTMENT_KINDS } from '../../utils/labels';

interface Row extends DepartmentView {
  categoriesText: string;
}

interface Chip {
  name: string;
  selected: boolean;
}

interface Form {
  departmentId: string;
  version: number;
  name: string;
  kind: DepartmentKind | '';
  categories: Chip[];
  contactPhone: string;
  active: boolean;
}

const toRow = (department: DepartmentView): Row => ({ ...department, categoriesText: department.categories.join('、') });

const categoryChips = (chosen: readonly AffairCategory[] = []): Chip[] => AFFAIR_CATEGORIES.map((name) => ({ name, selected: chosen.includes(name) }));

const emptyForm = (): Form => ({ departmentId: '', version: 0, name: '', kind: '', categories: categoryChips(), contactPhone: '', active: true });

Component({
  behaviors: [listPage<Row>()],
  data: {
    largeText: false,
    kinds: DEPARTMENT_KINDS as readonly string[],
    editing: false,
    form: emptyForm(),
    formError: '',
    /** Above the list: why the form closed (a colleague's edit came first). */
    notice: '',
    busy: false,
  },
  methods: {
    onLoad() {
      this.setData({ largeText: largeText() });
      void this.load();
    },
    /** Every department of the community, in one reply (a community has at most 50). */
    async fetchList() {
      return rows(await call('department.list', {}, { toast: false }), toRow);
    },
    onAdd() {
      this.setData({ editing: true, form: emptyForm(), formError: '', notice: '' });
    },
    onEdit(event: WechatMiniprogram.BaseEvent) {
      const item = this.data.items.find((department) => department.id === String(event.currentTarget.dataset.id));
      if (!item) return;
      this.setData({
        editing: true,
        formError: '',
        notice: '',
        form: {
          departmentId: item.id,
          version: item.version,
          name: item.name,
          kind: item.kind,
          categories: categoryChips(item.categories),
          contactPhone: item.contactPhone ?? '',
          active: item.active,
        },
      });
    },
    onCancel() {
      this.setData({ editing: false, formError: '' });
    },
    onField(event: Vant.FieldChange) {
      const field = String(event.currentTarget.dataset.field);
      this.setData({ [`form.${field}`]: String(event.detail), formError: '' });
    },
    onKind(event: WechatMiniprogram.BaseEvent) {
      this.setData({ 'form.kind': String(event.currentTarget.dataset.kind), formError: '' });
    },
    onCategory(event: WechatMiniprogram.BaseEvent) {
      const index = Number(event.currentTarget.dataset.index);
      const chip = this.data.form.categories[index];
      if (chip) this.setData({ [`form.categories[${index}].selected`]: !chip.selected, formError: '' });
    },
    onActive(event: Vant.SwitchChange) {
      this.setData({ 'form.active': event.detail === true });
    },
    async onSave() {
      const form = this.data.form;
      const name = form.name.trim();
      const categories = form.categories.filter((chip) => chip.selected).map((chip) => chip.name as AffairCategory);
      const contactPhone = form.contactPhone.trim();
      let problem = '';
      if (!name) problem = '请填写部门名称';
      else if (!form.kind) problem = '请选择部门类型';
      else if (categories.length === 0) problem = '请至少选择一个负责的问题类别';
      if (problem || !form.kind) return this.setData({ formError: problem });
      if (this.data.busy) return;
      this.setData({ busy: true, formError: '' });
      const reply = await call(
        'department.upsert',
        {
          ...(form.departmentId ? { departmentId: form.departmentId, version: form.version } : {}),
          name,
          kind: form.kind,
          categories,
          ...(contactPhone ? { contactPhone } : {}),
          active: form.active,
        },
        { loading: '正在保存', toast: false },
      );
      this.setData({ busy: false });
      if (reply.ok) {
        this.setData({ editing: false, notice: '' });
        wx.showToast({ title: form.departmentId ? '已保存' : '已添加', icon: 'success' });
        await this.refresh();
        return;
      }
      if (reply.error.code !== 'CONFLICT' || !form.departmentId) return this.setData({ formError: reply.error.message });
      // Either the name is taken, or a colleague changed this department since it was read: reload to see which.
      await this.refresh();
      const now = this.data.items.find((department) => department.id === form.departmentId);
      if (now && now.version === form.version) return this.setData({ formError: reply.error.message });
      this.setData({ editing: false, formError: '', notice: '该部门刚被其他工作人员修改，您的修改没有保存。列表已刷新，请查看后再修改。' });
    },
  },
});
