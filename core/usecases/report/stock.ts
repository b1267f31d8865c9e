/**
 * 库存台账: for every goods item, its stock at the start of the period, what came in (bought,
 * donated), went out (redeemed, written off) and came back (cancelled redemptions) during it, and
 * its stock at the end, all from the stock ledger (stock_moves), beside the stock the item says
 * now; then 库存流水, every move of the period. The goods are the community's, not a grid's.
 */
import { STOCK_MOVE_KIND_TEXT, STOCK_SOURCE_TEXT } from '../../labels';
import { COLLECTIONS, type Goods, type StockMove } from '../../model';
import type { SheetCell } from '../../ports';
import { keysetScan, OLDEST_FIRST } from '../shared/paging';
import { readAll } from '../shared/store';
import { createdAfter, ledger, type ReportContext, type ReportKindSpec } from './ledger';

/** Moves are small (no joins): a page well under the 1 MB a read may return. */
const MOVES_PAGE = 1000;

interface ItemTotals {
  opening: number;
  purchased: number;
  donated: number;
  redeemed: number;
  refunded: number;
  writtenOff: number;
  closing: number;
}

const noTotals = (): ItemTotals => ({ opening: 0, purchased: 0, donated: 0, redeemed: 0, refunded: 0, writtenOff: 0, closing: 0 });

/** What one move does to an item's totals, the period starting at `start`. */
export function addMove(totals: ItemTotals, move: Pick<StockMove, 'kind' | 'delta' | 'source' | 'createdAt'>, start: Date): void {
  totals.closing += move.delta;
  if (new Date(move.createdAt).getTime() < start.getTime()) {
    totals.opening += move.delta;
    return;
  }
  switch (move.kind) {
    // An item added during the period with its first stock: that stock came in (bought, as far as anyone said).
    case 'opening':
    case 'stock_in':
      if (move.source === 'donation') totals.donated += move.delta;
      else totals.purchased += move.delta;
      return;
    case 'redeem':
      totals.redeemed -= move.delta;
      return;
    case 'refund':
      totals.refunded += move.delta;
      return;
    case 'write_off':
      totals.writtenOff -= move.delta;
      return;
  }
}

/** Every move of the community from the first up to the period's end, oldest first, a page at a time. */
function movesUntilEnd({ deps, community, period }: ReportContext, from?: Date): AsyncIterable<StockMove> {
  const moves = deps.store.collection<StockMove>(COLLECTIONS.stockMoves);
  const where = { communityId: community._id, ...(from ? { createdAt: { gte: from } } : {}) };
  return keysetScan<StockMove>((after, limit) => moves.find(where, { orderBy: OLDEST_FIRST, ...(after ? { after } : {}), limit }), OLDEST_FIRST, MOVES_PAGE, createdAfter(period));
}

/** 库存流水: every move of the period, oldest first. */
const stockMoves = ledger<StockMove>({
  title: '库存流水',
  byGrid: false,
  source: (context) => movesUntilEnd(context, context.period.start),
  columns: [
    { header: '时间', width: 17, type: 'datetime', cell: (move) => move.createdAt },
    { header: '商品', width: 18, type: 'text', cell: (move) => move.goodsName },
    { header: '类型', width: 12, type: 'text', cell: (move) => STOCK_MOVE_KIND_TEXT[move.kind] },
    { header: '来源', width: 6, type: 'text', cell: (move) => (move.source ? STOCK_SOURCE_TEXT[move.source] : null) },
    { header: '数量', width: 8, type: 'integer', cell: (move) => move.delta },
    { header: '结存', width: 8, type: 'integer', cell: (move) => move.stockAfter },
    { header: '捐赠人', width: 14, type: 'text', cell: (move) => move.donor },
    { header: '原因或备注', width: 24, type: 'text', cell: (move) => move.reason ?? move.note },
    { header: '经办人', width: 10, type: 'text', cell: (move) => move.byName },
    { header: '关联单号', width: 26, type: 'text', cell: (move) => move.ref },
    { header: '流水号', width: 30, type: 'text', cell: (move) => move._id },
  ],
});

export const stockLedger: ReportKindSpec = {
  title: '库存台账',
  byGrid: false,
  columns: [
    { header: '商品', width: 18, type: 'text' },
    { header: '状态', width: 8, type: 'text' },
    { header: '兑换积分', width: 9, type: 'integer' },
    { header: '期初库存', width: 9, type: 'integer' },
    { header: '采购入库', width: 9, type: 'integer' },
    { header: '捐赠入库', width: 9, type: 'integer' },
    { header: '兑换', width: 8, type: 'integer' },
    { header: '取消退回', width: 9, type: 'integer' },
    { header: '损耗', width: 8, type: 'integer' },
    { header: '期末库存', width: 9, type: 'integer' },
    { header: '当前库存', width: 9, type: 'integer' },
  ],
  async *rows(context) {
    // At most 200 goods (MAX_GOODS): their totals fit in memory while the moves stream past.
    const goods = await readAll(context.deps.store.collection<Goods>(COLLECTIONS.goods), { communityId: context.community._id }, { orderBy: [['_id', 'asc']] });
    const totals = new Map<string, ItemTotals>(goods.map((item) => [item._id, noTotals()]));
    const names = new Map<string, string>();
    for await (const move of movesUntilEnd(context)) {
      let item = totals.get(move.goodsId);
      // Moves of an item no longer there still count, under the name they recorded.
      if (!item) totals.set(move.goodsId, (item = noTotals()));
      names.set(move.goodsId, move.goodsName);
      addMove(item, move, context.period.start);
    }
    const cells = (name: string, status: string, price: number | null, item: ItemTotals, now: number | null): SheetCell[] => [
      name,
      status,
      price,
      item.opening,
      item.purchased,
      item.donated,
      item.redeemed,
      item.refunded,
      item.writtenOff,
      item.closing,
      now,
    ];
    for (const item of goods) yield cells(item.name, item.active ? '在售' : '已下架', item.pointsPrice, totals.get(item._id) ?? noTotals(), item.stock);
    for (const [goodsId, item] of totals) {
      if (!goods.some((known) => known._id === goodsId)) yield cells(names.get(goodsId) ?? goodsId, '已不存在', null, item, null);
    }
  },
  moreSheets: [
    {
      name: stockMoves.title,
      columns: stockMoves.columns,
      rows: stockMoves.rows,
    },
  ],
};
