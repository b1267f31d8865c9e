/**
 * Pull-down refresh for a page that is not a list (list pages have behaviors/list-page.ts), as a
 * behaviour in the style of vant's mixins: pulling down loads the page again with its own `load()`
 * and puts the spinner away once that is done, whether it worked or not (a failed load shows its
 * error on the page; the spinner must not stay).
 *
 * A page adds `behaviors: [refreshPage]` and defines `load()`.
 */
interface RefreshHost {
  load(): Promise<unknown> | unknown;
}

export type RefreshMethods = {
  onPullDownRefresh(): void;
};

const refreshBehavior = Behavior({
  methods: {
    onPullDownRefresh() {
      const page = this as unknown as RefreshHost;
      void Promise.resolve()
        .then(() => page.load())
        .catch((error: unknown) => console.error('[refresh] load failed', error))
        .finally(() => wx.stopPullDownRefresh());
    },
  },
});

export const refreshPage = refreshBehavior as unknown as WechatMiniprogram.Behavior.Identifier<{}, {}, RefreshMethods>;
