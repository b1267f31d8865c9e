/**
 * 提出议题 (民事民提): a title, what the matter is and why, and where it belongs — chips of the
 * scopes the cloud says the person may raise a matter for (council.scopes: a resident's building,
 * grid and community; a grid worker's grids; staff any). The first screen is that one call. Sending
 * asks the person to subscribe to what they will want to hear back (opened, declined, published);
 * then the matter's page opens: it waits there for staff to put it to discussion.
 */
import type { CouncilScopeView } from '../../../core/contract';
import { call } from '../../api/api';
import { askToSubscribe } from '../../api/subscribe';
import { largeText } from '../../utils/format';
import { matterUrl } from '../rows';

type Field = 'title' | 'body' | 'scope';

Component({
  data: {
    largeText: false,
    loading: true,
    error: '',
    scopes: [] as CouncilScopeView[],
    scopeIndex: -1,
    title: '',
    body: '',
    errors: {} as Partial<Record<Field, string>>,
    submitError: '',
    submitting: false,
  },
  methods: {
    onLoad() {
      this.setData({ largeText: largeText() });
      void this.load();
    },
    async load() {
      this.setData({ loading: true, error: '' });
      const reply = await call('council.scopes', {}, { toast: false });
      if (!reply.ok) return this.setData({ loading: false, error: reply.error.message });
      this.setData({ loading: false, scopes: reply.data, scopeIndex: reply.data.length === 1 ? 0 : -1 });
    },
    onInput(event: Vant.FieldChange) {
      const field = String(event.currentTarget.dataset.field) as Field;
      this.setData({ [field]: event.detail, [`errors.${field}`]: '' });
    },
    onScope(event: WechatMiniprogram.BaseEvent) {
      this.setData({ scopeIndex: Number(event.currentTarget.dataset.index), 'errors.scope': '' });
    },
    async onSubmit() {
      if (this.data.submitting) return;
      const title = this.data.title.trim();
      const body = this.data.body.trim();
      const scope = this.data.scopes[this.data.scopeIndex];
      const errors: Partial<Record<Field, string>> = {};
      if (!title) errors.title = '请填写议题';
      if (!body) errors.body = '请说明是什么事、为什么要商量';
      if (!scope) errors.scope = '请选择在哪个范围商量';
      if (Object.keys(errors).length > 0 || !scope) return this.setData({ errors, submitError: '' });
      // Before any await: WeChat shows the dialog only within the tap. Opened and declined exclude each other; published comes later.
      const subscribed = askToSubscribe(['council_opened', 'council_declined', 'council_published']);
      this.setData({ submitting: true, submitError: '' });
      const { kind, gridId, building } = scope;
      const input = kind === 'community' ? { kind } : kind === 'grid' ? { kind, gridId: gridId! } : { kind, gridId: gridId!, building: building! };
      const reply = await call('council.propose', { title, body, scope: input }, { toast: false });
      this.setData({ submitting: false });
      if (!reply.ok) return this.setData({ submitError: reply.error.message });
      void wx.showToast({ title: '已提交，等待社区受理', icon: 'none' });
      // Leaving the page could take the dialog with it: let the person answer it first.
      await subscribed;
      void wx.redirectTo({ url: matterUrl(reply.data.id) });
    },
  },
});
