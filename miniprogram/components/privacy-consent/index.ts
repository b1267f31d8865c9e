/**
 * The app's privacy agreement, shown when WeChat asks before a privacy API (see utils/privacy.ts).
 * Put it on every page that uses one: 我的 (phone button), 下单 (photos), 服务证明 (album),
 * 活动签到 and 兑换核销 (scan). Agree lets the API go on; 不同意 leaves the page as it was.
 */
import { AGREE_BUTTON_ID, answerPrivacy, attachDialog } from '../../utils/privacy';

/** How each dialog on screen leaves the list of those that can ask. */
const leaving = new WeakMap<object, () => void>();

Component({
  data: { show: false, agreeId: AGREE_BUTTON_ID },
  lifetimes: {
    attached() {
      leaving.set(this, attachDialog(() => this.setData({ show: true })));
    },
    detached() {
      leaving.get(this)?.();
      // A page closed while asking: the waiting API is not called.
      if (this.data.show) answerPrivacy(false);
    },
  },
  methods: {
    onAgree() {
      this.setData({ show: false });
      answerPrivacy(true);
    },
    onDisagree() {
      this.setData({ show: false });
      answerPrivacy(false);
    },
    onOpenPolicy() {
      wx.navigateTo({ url: '/pages/privacy/index' });
    },
  },
});
