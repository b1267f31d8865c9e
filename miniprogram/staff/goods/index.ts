/**
 * Points-market goods (积分超市商品): list (inactive ones too), add, edit, take off the shelf. An
 * edit sends expectedStock = the stock shown when the form opened, so a count typed from a stale
 * screen is refused instead of undoing a redemption made meanwhile.
 *
 * The price is what a resident pays, so a change to it is only proposed: it shows beside the goods
 * as 待审核 until another staff member approves it on 积分规则审核 (staff/rules). A new item is
 * priced 0 until then: residents neither see nor redeem it.
 */
import type { GoodsView } from '../../../core/contract';
import { listPage, rows } from '../../behaviors/list-page';
import { call } from '../../api/api';
import { wholeNumber } from '../../utils/format';
import { POINTS_PROPOSED_TEXT } from '../../utils/labels';

interface Form {
  id: string;
  name: string;
  pointsPrice: string;
  stock: string;
  description: string;
  active: boolean;
  /** The stock when the form opened (edits only). */
  openedStock: number | null;
  /** A price already proposed and waiting for review ('' when none). */
  pendingPointsPrice: string;
}

interface Row extends GoodsView {
  hasPending: boolean;
  /** Not priced yet (a new item whose price waits for review): residents cannot see or redeem it. */
  unpriced: boolean;
}

const toRow = (goods: GoodsView): Row => ({ ...goods, hasPending: goods.pendingPointsPrice !== undefined, unpriced: goods.pointsPrice === 0 });

const EMPTY_FORM: Form = { id: '', name: '', pointsPrice: '', stock: '', description: '', active: true, openedStock: null, pendingPointsPrice: '' };

Component({
  behaviors: [listPage<Row>()],
  data: {
    /** Stays above the list after a save that proposed a price: what happens next. */
    notice: '',
    editing: false,
    form: { ...EMPTY_FORM } as Form,
    formError: '',
    busy: false,
  },
  methods: {
    onLoad() {
      void this.load();
    },
    /** All the goods, inactive ones too, in one page. */
    async fetchList() {
      return rows(await call('mall.goods', { includeInactive: true }, { toast: false }), toRow);
    },
    onAdd() {
      this.setData({ editing: true, form: { ...EMPTY_FORM }, formError: '', notice: '' });
    },
    onEdit(event: WechatMiniprogram.BaseEvent) {
      const item = this.data.items.find((goods) => goods.id === String(event.currentTarget.dataset.id));
      if (!item) return;
      const pending = item.pendingPointsPrice === undefined ? '' : String(item.pendingPointsPrice);
      this.setData({
        editing: true,
        formError: '',
        notice: '',
        form: {
          id: item.id,
          name: item.name,
          // Not priced yet: the price under review (a price must be sent; the same one proposes nothing new).
          pointsPrice: item.unpriced && pending ? pending : String(item.pointsPrice),
          pendingPointsPrice: pending,
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
    onField(event: Vant.FieldChange) {
      this.setData({ [`form.${String(event.currentTarget.dataset.field)}`]: event.detail, formError: '' });
    },
    onActive(event: Vant.SwitchChange) {
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
      const saved = toRow(reply.data);
      const exists = this.data.items.some((item) => item.id === saved.id);
      // A price other than the one in force was asked for: it is proposed, not applied.
      const proposed = pointsPrice !== saved.pointsPrice && saved.pendingPointsPrice === pointsPrice;
      this.setData({
        editing: false,
        notice: proposed ? (saved.unpriced ? `${POINTS_PROPOSED_TEXT}，通过后居民才能兑换` : POINTS_PROPOSED_TEXT) : '',
        items: exists ? this.data.items.map((item) => (item.id === saved.id ? saved : item)) : this.data.items.concat(saved),
      });
      if (proposed) wx.showToast({ title: '已保存，积分待审核', icon: 'none' });
      else wx.showToast({ title: '已保存', icon: 'success' });
    },
  },
});
