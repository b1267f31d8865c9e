/**
 * Points-market goods (积分超市商品): list (inactive ones too), add, edit, take off the shelf. An
 * edit sends expectedStock = the stock shown when the form opened, so a count typed from a stale
 * screen is refused instead of undoing a redemption made meanwhile.
 */
import type { GoodsView } from '../../../core/contract';
import { call } from '../../services/api';
import { wholeNumber } from '../../utils/format';

interface Form {
  id: string;
  name: string;
  pointsPrice: string;
  stock: string;
  description: string;
  active: boolean;
  /** The stock when the form opened (edits only). */
  openedStock: number | null;
}

const EMPTY_FORM: Form = { id: '', name: '', pointsPrice: '', stock: '', description: '', active: true, openedStock: null };

Component({
  data: {
    loading: true,
    error: '',
    items: [] as GoodsView[],
    editing: false,
    form: { ...EMPTY_FORM } as Form,
    formError: '',
    busy: false,
  },
  methods: {
    onLoad() {
      void this.load();
    },
    onPullDownRefresh() {
      void this.load().then(() => wx.stopPullDownRefresh());
    },
    async load() {
      this.setData({ loading: true, error: '' });
      const reply = await call('mall.goods', { includeInactive: true }, { toast: false });
      if (reply.ok) this.setData({ loading: false, items: reply.data });
      else this.setData({ loading: false, error: reply.error.message });
    },
    onAdd() {
      this.setData({ editing: true, form: { ...EMPTY_FORM }, formError: '' });
    },
    onEdit(event: WechatMiniprogram.BaseEvent) {
      const item = this.data.items.find((goods) => goods.id === String(event.currentTarget.dataset.id));
      if (!item) return;
      this.setData({
        editing: true,
        formError: '',
        form: {
          id: item.id,
          name: item.name,
          pointsPrice: String(item.pointsPrice),
          stock: String(item.stock),
          description: item.description ?? '',
          active: item.active,
          openedStock: item.stock,
        },
      });
    },
    onCancel() {
      this.setData({ editing: false, formError: '' });
    },
    onField(event: WechatMiniprogram.BaseEvent & { detail: string }) {
      this.setData({ [`form.${String(event.currentTarget.dataset.field)}`]: event.detail, formError: '' });
    },
    onActive(event: WechatMiniprogram.BaseEvent & { detail: boolean }) {
      this.setData({ 'form.active': event.detail });
    },
    async onSave() {
      const form = this.data.form;
      const pointsPrice = wholeNumber(form.pointsPrice, '所需积分', 1, 100000);
      const stock = wholeNumber(form.stock, '库存', 0, 100000);
      let problem = '';
      if (!form.name.trim()) problem = '请填写商品名称';
      else if (typeof pointsPrice === 'string') problem = pointsPrice;
      else if (typeof stock === 'string') problem = stock;
      if (problem || typeof pointsPrice === 'string' || typeof stock === 'string') return this.setData({ formError: problem });
      if (this.data.busy) return;
      this.setData({ busy: true, formError: '' });
      const description = form.description.trim();
      const reply = await call(
        'mall.upsertGoods',
        {
          ...(form.id ? { id: form.id } : {}),
          name: form.name.trim(),
          pointsPrice,
          stock,
          ...(form.openedStock !== null ? { expectedStock: form.openedStock } : {}),
          ...(description ? { description } : {}),
          active: form.active,
        },
        { loading: '正在保存', toast: false },
      );
      this.setData({ busy: false });
      if (!reply.ok) return this.setData({ formError: reply.error.message });
      const saved = reply.data;
      const exists = this.data.items.some((item) => item.id === saved.id);
      this.setData({
        editing: false,
        items: exists ? this.data.items.map((item) => (item.id === saved.id ? saved : item)) : this.data.items.concat(saved),
      });
      wx.showToast({ title: '已保存', icon: 'success' });
    },
  },
});
