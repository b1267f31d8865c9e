/**
 * Points-market goods (积分超市商品): list (inactive ones too), add, edit, take off the shelf, and
 * the stock ledger: an item's stock changes only through 入库 (a purchase, or a donation with its
 * donor), redemptions, and 损耗 that a second staff member approves. A new item's 初始库存 is its
 * first move; an edit never sends a stock. Each item's 库存流水 lists its moves, newest first.
 *
 * The price is what a resident pays, so a change to it is only proposed: it shows beside the goods
 * as 待审核 until another staff member approves it on 积分规则审核 (staff/rules). A new item is
 * priced 0 until then: residents neither see nor redeem it. A 损耗 shows on its item as waiting: the
 * proposer sees who must decide, colleagues see 通过 / 不通过 (`mine` in the view says which).
 *
 * 入库 and 损耗 keep one clientRequestId per opened form until they succeed, so a second tap after a
 * lost reply adds nothing twice.
 */
import type { GoodsView, StockMoveView, WriteOffView } from '../../../core/contract';
import { listPage, rows } from '../../behaviors/list-page';
import { call, newRequestId } from '../../api/api';
import { formatTime, wholeNumber } from '../../utils/format';
import { POINTS_PROPOSED_TEXT, REVIEW_STATUS_TEXT, STOCK_MOVE_KIND_TEXT, STOCK_SOURCE_TEXT } from '../../utils/labels';

interface Form {
  id: string;
  name: string;
  pointsPrice: string;
  /** A new item's opening stock (初始库存); not on an edit. */
  stock: string;
  description: string;
  active: boolean;
  /** A price already proposed and waiting for review ('' when none). */
  pendingPointsPrice: string;
}

interface Row extends GoodsView {
  hasPending: boolean;
  /** Not priced yet (a new item whose price waits for review): residents cannot see or redeem it. */
  unpriced: boolean;
}

/** A write-off as the item's record lists it: asked, and approved, refused or still waiting. */
interface WriteOffRow extends WriteOffView {
  statusText: string;
  askedText: string;
  decidedText: string;
}

const toWriteOffRow = (writeOff: WriteOffView): WriteOffRow => ({
  ...writeOff,
  statusText: REVIEW_STATUS_TEXT[writeOff.status],
  askedText: `${formatTime(writeOff.proposedAt)} ${writeOff.proposedByName}申请，损耗 ${writeOff.quantity} 件：${writeOff.reason}`,
  decidedText: writeOff.decidedAt ? `${formatTime(writeOff.decidedAt)} ${writeOff.decidedByName ?? ''}${writeOff.status === 'approved' ? '通过' : '不通过'}${writeOff.note ? `：${writeOff.note}` : ''}` : '',
});

interface MoveRow extends StockMoveView {
  kindText: string;
  /** "+5" or "-3". */
  deltaText: string;
  atText: string;
  /** 采购 / 捐赠：张先生 / the write-off's reason, and the note. */
  detailText: string;
}

type Panel = '' | 'stockIn' | 'writeOff' | 'moves';
type Source = 'purchase' | 'donation';

const toRow = (goods: GoodsView): Row => ({ ...goods, hasPending: goods.pendingPointsPrice !== undefined, unpriced: goods.pointsPrice === 0 });

function toMoveRow(move: StockMoveView): MoveRow {
  const source = move.source ? `${STOCK_SOURCE_TEXT[move.source]}${move.donor ? `：${move.donor}` : ''}` : '';
  return {
    ...move,
    kindText: STOCK_MOVE_KIND_TEXT[move.kind],
    deltaText: move.delta > 0 ? `+${move.delta}` : String(move.delta),
    atText: formatTime(move.at),
    detailText: [source, move.reason, move.note].filter(Boolean).join('　'),
  };
}

const EMPTY_FORM: Form = { id: '', name: '', pointsPrice: '', stock: '', description: '', active: true, pendingPointsPrice: '' };
const EMPTY_STOCK_IN = { quantity: '', source: 'purchase' as Source, donor: '', note: '' };
const EMPTY_WRITE_OFF = { quantity: '', reason: '' };
/** The most one 入库 or 损耗 may move (the contract's MAX_STOCK_IN). */
const MAX_MOVE = 10000;

Component({
  behaviors: [listPage<Row>()],
  data: {
    /** Stays above the list after a save that proposed a price: what happens next. */
    notice: '',
    editing: false,
    form: { ...EMPTY_FORM } as Form,
    formError: '',
    busy: false,
    /** The sheet open over the list, for `target`. */
    panel: '' as Panel,
    target: null as Row | null,
    stockIn: { ...EMPTY_STOCK_IN },
    writeOff: { ...EMPTY_WRITE_OFF },
    panelError: '',
    requestId: '',
    moves: [] as MoveRow[],
    movesCursor: null as string | null,
    /** The item's latest write-offs (shown above its moves), and whether there are older ones. */
    writeOffs: [] as WriteOffRow[],
    writeOffsMore: false,
    movesLoading: false,
    /** The item whose pending 损耗 is being rejected (its reason being typed), and the item being decided. */
    rejecting: '',
    note: '',
    rejectError: '',
    deciding: '',
  },
  methods: {
    onLoad() {
      void this.load();
    },
    beforeLoad() {
      this.setData({ panel: '', rejecting: '' });
    },
    /** All the goods, inactive ones too, in one page. */
    async fetchList() {
      return rows(await call('mall.goods', { includeInactive: true }, { toast: false }), toRow);
    },
    /** Puts the server's view of an item in its row. */
    replaceRow(goods: GoodsView) {
      const saved = toRow(goods);
      const exists = this.data.items.some((item) => item.id === saved.id);
      this.setData({ items: exists ? this.data.items.map((item) => (item.id === saved.id ? saved : item)) : this.data.items.concat(saved) });
    },
    rowOf(event: WechatMiniprogram.BaseEvent): Row | undefined {
      return this.data.items.find((goods) => goods.id === String(event.currentTarget.dataset.id));
    },

    // ---- adding and editing -------------------------------------------------------------------
    onAdd() {
      // One request id per new item's form: a second tap after a lost reply adds the item once.
      this.setData({ editing: true, panel: '', form: { ...EMPTY_FORM }, formError: '', notice: '', requestId: newRequestId() });
    },
    onEdit(event: WechatMiniprogram.BaseEvent) {
      const item = this.rowOf(event);
      if (!item) return;
      const pending = item.pendingPointsPrice === undefined ? '' : String(item.pendingPointsPrice);
      this.setData({
        editing: true,
        panel: '',
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
      const isNew = !form.id;
      const pointsPrice = wholeNumber(form.pointsPrice, '所需积分', 1, 100000);
      const stock = isNew && form.stock.trim() !== '' ? wholeNumber(form.stock, '初始库存', 0, 100000) : 0;
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
          ...(isNew ? { stock, clientRequestId: this.data.requestId } : { id: form.id }),
          name: form.name.trim(),
          pointsPrice,
          ...(description ? { description } : {}),
          active: form.active,
        },
        { loading: '正在保存', toast: false },
      );
      this.setData({ busy: false });
      if (!reply.ok) return this.setData({ formError: reply.error.message });
      const saved = toRow(reply.data);
      // A price other than the one in force was asked for: it is proposed, not applied.
      const proposed = pointsPrice !== saved.pointsPrice && saved.pendingPointsPrice === pointsPrice;
      this.replaceRow(reply.data);
      this.setData({
        editing: false,
        notice: proposed ? (saved.unpriced ? `${POINTS_PROPOSED_TEXT}，通过后居民才能兑换` : POINTS_PROPOSED_TEXT) : '',
      });
      if (proposed) wx.showToast({ title: '已保存，积分待审核', icon: 'none' });
      else wx.showToast({ title: '已保存', icon: 'success' });
    },

    // ---- 入库 and 损耗 -------------------------------------------------------------------------
    onStockIn(event: WechatMiniprogram.BaseEvent) {
      const target = this.rowOf(event);
      if (target) this.setData({ panel: 'stockIn', target, stockIn: { ...EMPTY_STOCK_IN }, panelError: '', requestId: newRequestId() });
    },
    onWriteOff(event: WechatMiniprogram.BaseEvent) {
      const target = this.rowOf(event);
      if (target) this.setData({ panel: 'writeOff', target, writeOff: { ...EMPTY_WRITE_OFF }, panelError: '', requestId: newRequestId() });
    },
    onClosePanel() {
      this.setData({ panel: '', panelError: '' });
    },
    /** A field of the open sheet: data-form is `stockIn` or `writeOff`, data-field the field. */
    onPanelField(event: Vant.FieldChange) {
      const { form, field } = event.currentTarget.dataset as { form: string; field: string };
      this.setData({ [`${form}.${field}`]: event.detail, panelError: '' });
    },
    onSource(event: Vant.RadioGroupChange<Source>) {
      this.setData({ 'stockIn.source': event.detail, panelError: '' });
    },
    async onSubmitStockIn() {
      const target = this.data.target;
      const { quantity: typed, source, donor, note } = this.data.stockIn;
      if (!target || this.data.busy) return;
      const quantity = wholeNumber(typed, '入库数量', 1, MAX_MOVE);
      if (typeof quantity === 'string') return this.setData({ panelError: quantity });
      if (source === 'donation' && !donor.trim()) return this.setData({ panelError: '请填写捐赠人（不愿留名可填“匿名”）' });
      this.setData({ busy: true, panelError: '' });
      const common = { goodsId: target.id, quantity, clientRequestId: this.data.requestId, ...(note.trim() ? { note: note.trim() } : {}) };
      const reply = await call(
        'mall.stockIn',
        source === 'donation' ? { ...common, source, donor: donor.trim() } : { ...common, source },
        { loading: '正在入库', toast: false },
      );
      this.setData({ busy: false });
      if (!reply.ok) return this.setData({ panelError: reply.error.message });
      this.replaceRow(reply.data.goods);
      this.setData({ panel: '' });
      wx.showToast({ title: `已入库 ${quantity} 件`, icon: 'success' });
    },
    async onSubmitWriteOff() {
      const target = this.data.target;
      const { quantity: typed, reason } = this.data.writeOff;
      if (!target || this.data.busy) return;
      const quantity = wholeNumber(typed, '损耗数量', 1, MAX_MOVE);
      if (typeof quantity === 'string') return this.setData({ panelError: quantity });
      if (!reason.trim()) return this.setData({ panelError: '请填写损耗原因' });
      this.setData({ busy: true, panelError: '' });
      const reply = await call(
        'mall.proposeWriteOff',
        { goodsId: target.id, quantity, reason: reason.trim(), clientRequestId: this.data.requestId },
        { loading: '正在提交', toast: false },
      );
      this.setData({ busy: false });
      if (!reply.ok) return this.setData({ panelError: reply.error.message });
      this.replaceRow(reply.data.goods);
      this.setData({ panel: '' });
      wx.showToast({ title: '已提交，待其他工作人员审核', icon: 'none' });
    },

    // ---- deciding a colleague's 损耗 ----------------------------------------------------------
    async onApproveWriteOff(event: WechatMiniprogram.BaseEvent) {
      const item = this.rowOf(event);
      const pending = item?.pendingWriteOff;
      if (!item || !pending || this.data.deciding) return;
      this.setData({ deciding: item.id });
      const reply = await call('mall.decideWriteOff', { writeOffId: pending.id, decision: 'approve' }, { loading: '正在提交' });
      this.setData({ deciding: '' });
      if (reply.ok) {
        if (reply.data.goods) this.replaceRow(reply.data.goods);
        wx.showToast({ title: `已通过，库存减少 ${pending.quantity} 件`, icon: 'none' });
      } else if (reply.error.code === 'CONFLICT' || reply.error.code === 'NOT_FOUND') {
        // Decided by a colleague meanwhile (the toast says so): show the goods as they are now.
        await this.refresh();
      }
    },
    onRejectWriteOff(event: WechatMiniprogram.BaseEvent) {
      this.setData({ rejecting: String(event.currentTarget.dataset.id), note: '', rejectError: '' });
    },
    onCancelReject() {
      this.setData({ rejecting: '', rejectError: '' });
    },
    onNote(event: Vant.FieldChange) {
      this.setData({ note: event.detail, rejectError: '' });
    },
    async onSubmitReject() {
      const item = this.data.items.find((goods) => goods.id === this.data.rejecting);
      const pending = item?.pendingWriteOff;
      const note = this.data.note.trim();
      if (!item || !pending) return;
      if (!note) return this.setData({ rejectError: '请填写不通过的原因，申请人会看到' });
      if (this.data.deciding) return;
      this.setData({ deciding: item.id, rejectError: '' });
      const reply = await call('mall.decideWriteOff', { writeOffId: pending.id, decision: 'reject', note }, { loading: '正在提交', toast: false });
      this.setData({ deciding: '' });
      if (!reply.ok) return this.setData({ rejectError: reply.error.message });
      if (reply.data.goods) this.replaceRow(reply.data.goods);
      this.setData({ rejecting: '' });
      wx.showToast({ title: '已标记为不通过', icon: 'none' });
    },

    // ---- 库存流水 -------------------------------------------------------------------------------
    async onMoves(event: WechatMiniprogram.BaseEvent) {
      const target = this.rowOf(event);
      if (!target) return;
      this.setData({ panel: 'moves', target, moves: [], movesCursor: null, writeOffs: [], writeOffsMore: false, panelError: '' });
      await this.loadMoves();
    },
    async onMoreMoves() {
      if (this.data.movesCursor) await this.loadMoves(this.data.movesCursor);
    },
    async loadMoves(cursor?: string) {
      const target = this.data.target;
      if (!target || this.data.movesLoading) return;
      this.setData({ movesLoading: true });
      // The first page comes with the item's write-offs, refused ones too (they are not stock moves).
      const [reply, writeOffs] = await Promise.all([
        call('mall.stockMoves', { goodsId: target.id, ...(cursor ? { cursor } : {}) }, { toast: false }),
        cursor ? Promise.resolve(null) : call('mall.writeOffs', { goodsId: target.id, limit: 20 }, { toast: false }),
      ]);
      this.setData({ movesLoading: false });
      // Closed, or another item's opened, meanwhile: this page is not wanted.
      if (this.data.panel !== 'moves' || this.data.target?.id !== target.id) return;
      if (!reply.ok) return this.setData({ panelError: reply.error.message });
      if (writeOffs?.ok) this.setData({ writeOffs: writeOffs.data.items.map(toWriteOffRow), writeOffsMore: Boolean(writeOffs.data.nextCursor) });
      this.setData({ moves: this.data.moves.concat(reply.data.items.map(toMoveRow)), movesCursor: reply.data.nextCursor });
    },
  },
});
