/** 工单台账: every order placed in the period, oldest first, with who served it, when, and how it was rated. */
import { ORDER_STATUS_TEXT } from '../../labels';
import { COLLECTIONS, type Order } from '../../model';
import type { Where } from '../../ports';
import { keysetScan, OLDEST_FIRST } from '../shared/paging';
import { createdAfter, gridName, ledger, maskedPhone } from './ledger';

/**
 * Orders are read without what the ledger never shows (texts, timelines, who else acted, the door:
 * unit and room), so even a page of the longest ones stays under the database's 1 MB a read.
 */
const OMIT = [
  'events',
  'declines',
  'description',
  'photos',
  'preferredTime',
  'completion.summary',
  'rating.comment',
  'rating.at',
  'rating.onBehalf.name',
  'score.note',
  'score.by',
  'score.at',
  'reviewNote',
  'clientRequestId',
  'skills',
  'serviceId',
  'basePoints',
  'expectedMinutes',
  'assignee',
  'assigneeApprovedBy',
  'address.unit',
  'address.room',
  'recordAlert',
  'remindAt',
  'remindedAt',
];

/** Orders carry no joins: larger pages (at most some 1.2 KB each as read). */
const ORDER_PAGE_SIZE = 700;

export const ordersLedger = ledger<Order>({
  title: '工单台账',
  byGrid: true,
  /**
   * Limited to grids, the community's orders of the period are read and the others passed over:
   * orders already have the 20 indexes a collection may have, none of them by grid and time.
   */
  async *source({ deps, community, period, gridIds }) {
    const where: Where = { communityId: community._id, createdAt: { gte: period.start } };
    const orders = deps.store.collection<Order>(COLLECTIONS.orders);
    const all = keysetScan<Order>((after, limit) => orders.find(where, { orderBy: OLDEST_FIRST, after, limit, omit: OMIT }), OLDEST_FIRST, ORDER_PAGE_SIZE, createdAfter(period));
    for await (const order of all) if (!gridIds || gridIds.includes(order.address.gridId)) yield order;
  },
  columns: [
    { header: '工单编号', width: 26, type: 'text', cell: (order) => order._id },
    { header: '下单时间', width: 17, type: 'datetime', cell: (order) => order.createdAt },
    { header: '服务项目', width: 14, type: 'text', cell: (order) => order.serviceName },
    { header: '服务类别', width: 10, type: 'text', cell: (order) => order.serviceCategory },
    { header: '网格', width: 10, type: 'text', cell: (order, { community }) => gridName(community, order.address.gridId) },
    // The building only: unit and room identify a household.
    { header: '楼栋', width: 8, type: 'text', cell: (order) => order.address.building },
    { header: '服务对象', width: 10, type: 'text', cell: (order) => order.contactName },
    { header: '联系电话', width: 13, type: 'text', cell: (order) => maskedPhone(order.contactPhone) },
    { header: '下单方式', width: 9, type: 'text', cell: (order) => (order.createdBy === order.residentOpenid ? '本人' : '代点单') },
    { header: '状态', width: 10, type: 'text', cell: (order) => ORDER_STATUS_TEXT[order.status] },
    { header: '志愿者', width: 10, type: 'text', cell: (order) => order.assigneeName },
    { header: '接单时间', width: 17, type: 'datetime', cell: (order) => order.acceptedAt },
    { header: '完成时间', width: 17, type: 'datetime', cell: (order) => order.completedAt },
    { header: '办结时间', width: 17, type: 'datetime', cell: (order) => order.closedAt },
    { header: '办理时限', width: 17, type: 'datetime', cell: (order) => order.dueAt },
    { header: '是否超期', width: 9, type: 'text', cell: (order) => (order.overdue ? '是' : '否') },
    // What the scorer counted, else what the volunteer reported.
    { header: '服务时长（分钟）', width: 10, type: 'integer', cell: (order) => order.score?.minutes ?? order.completion?.minutes },
    { header: '评价星级', width: 9, type: 'integer', cell: (order) => order.rating?.stars },
    { header: '评价方式', width: 9, type: 'text', cell: (order) => (order.rating ? (order.rating.onBehalf ? '代评' : '本人') : null) },
    { header: '评分', width: 7, type: 'integer', cell: (order) => order.score?.score },
    { header: '发放积分', width: 9, type: 'integer', cell: (order) => order.score?.points },
  ],
});
