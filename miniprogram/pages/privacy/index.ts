/**
 * 隐私政策: what linli collects, why, who sees it and how long it is kept — the inventory of
 * core/privacy.ts as copied by scripts/generate-shared.ts (the deploy prints the same text for the
 * console's 用户隐私保护指引). Anyone can read it, registered or not.
 */
import { PRIVACY_ITEMS } from '../../generated/privacy';
import { largeText } from '../../utils/format';

Component({
  data: {
    largeText: false,
    items: PRIVACY_ITEMS.map((item) => ({ ...item, requiredText: item.required ? '必需' : '选填或使用时产生' })),
  },
  methods: {
    onLoad() {
      this.setData({ largeText: largeText() });
    },
    /** WeChat's own page of the guideline filled in the console. */
    onOpenContract() {
      wx.openPrivacyContract({ fail: () => wx.showToast({ title: '暂时无法打开，请稍后再试', icon: 'none' }) });
    },
    onMyData() {
      wx.navigateTo({ url: '/pages/my-data/index' });
    },
  },
});
