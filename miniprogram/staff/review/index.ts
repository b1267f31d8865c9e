/**
 * 订单审核 (待审核): when the community's settings require order review, a resident's new order waits
 * here for a staff member, who approves it (it goes to the dispatch desk) or rejects it with a reason
 * the resident reads. The buttons follow each order's `allowed` (the cloud's rule: not one's own
 * order, only one's community); the page re-derives nothing.
 */
import type { OrderSummary } from '../../../core/contract';
import { listPage, rows } from '../../behaviors/list-page';
import { call } from '../../api/api';
import { reviewMethods, reviewState } from '../../api/review';
import { formatAddress, formatTime } from '../../utils/format';

interface Row extends OrderSummary {
  addressText: string;
  createdText: string;
}

const toRow = (order: OrderSummary): Row => ({ ...order, addressText: formatAddress(order.address), createdText: formatTime(order.createdAt) });

Component({
  behaviors: [listPage<Row>()],
  data: {
    ...reviewState(),
  },
  methods: {
    onLoad() {
      void this.load();
    },
    beforeLoad() {
      this.setData({ rejecting: '' });
    },
    async fetchList(cursor?: string) {
      return rows(await call('order.reviewQueue', { cursor }, { toast: false }), toRow);
    },
    ...reviewMethods({
      key: 'id',
      approve: (orderId) => call('order.review', { orderId, decision: 'approve' }, { loading: '正在提交' }),
      approved: () => '已通过，订单进入派单台',
      reject: (orderId, note) => call('order.review', { orderId, decision: 'reject', note }, { loading: '正在提交', toast: false }),
      rejected: '已退回，居民会看到原因',
      noteMissing: '请填写不通过的原因，下单的居民会看到',
    }),
  },
});
