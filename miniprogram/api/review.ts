/**
 * 通过 / 不通过 on a staff review list (volunteer applications, award nominations, record
 * corrections): the same steps on each page. One item at a time (`busy` holds its id), so a double
 * tap sends once; 不通过 needs a reason because the other person reads it, and a refusal by the
 * cloud is shown under the reason, which stays as typed.
 */
import type { ApiReply } from './api';

/** The view state of the review (spread into a page's `data`). */
export function reviewState() {
  return { rejecting: '', note: '', rejectError: '', busy: '' };
}

interface ReviewPage {
  data: ReturnType<typeof reviewState> & { items: Array<Record<string, unknown>> };
  setData(data: Record<string, unknown>): void;
  load(): Promise<void>;
}

export interface ReviewSpec<A, R> {
  /** The item field that names it, also the data-* attribute on its buttons ('id', 'openid'). */
  key: string;
  approve(id: string): Promise<ApiReply<A>>;
  /** The toast after an approval. */
  approved(data: A): string;
  reject(id: string, note: string): Promise<ApiReply<R>>;
  /** The toast after a rejection. */
  rejected: string;
  /** Said when 确认不通过 is tapped with no reason: who will read it. */
  noteMissing: string;
}

type Tap = WechatMiniprogram.BaseEvent;

/** The page methods of the review (spread into a page's `methods`); the list is `items`, reloaded by `load`. */
export function reviewMethods<A, R>(spec: ReviewSpec<A, R>) {
  // Only undecided items have the buttons: a decided one leaves the list.
  const drop = (page: ReviewPage, id: string) => page.setData({ rejecting: '', items: page.data.items.filter((item) => item[spec.key] !== id) });
  return {
    async onApprove(this: ReviewPage, event: Tap) {
      const id = String(event.currentTarget.dataset[spec.key]);
      if (this.data.busy) return;
      this.setData({ busy: id });
      const reply = await spec.approve(id);
      this.setData({ busy: '' });
      if (reply.ok) {
        wx.showToast({ title: spec.approved(reply.data), icon: 'none' });
        drop(this, id);
      } else if (reply.error.code === 'CONFLICT' || reply.error.code === 'NOT_FOUND') {
        // Decided by a colleague meanwhile (the toast says so): show the list as it is now.
        await this.load();
      }
    },
    onReject(this: ReviewPage, event: Tap) {
      this.setData({ rejecting: String(event.currentTarget.dataset[spec.key]), note: '', rejectError: '' });
    },
    onCancelReject(this: ReviewPage) {
      this.setData({ rejecting: '', rejectError: '' });
    },
    onNote(this: ReviewPage, event: Vant.FieldChange) {
      this.setData({ note: event.detail, rejectError: '' });
    },
    async onSubmitReject(this: ReviewPage) {
      const id = this.data.rejecting;
      const note = this.data.note.trim();
      if (!note) return this.setData({ rejectError: spec.noteMissing });
      if (this.data.busy) return;
      this.setData({ busy: id, rejectError: '' });
      const reply = await spec.reject(id, note);
      this.setData({ busy: '' });
      if (!reply.ok) return this.setData({ rejectError: reply.error.message });
      wx.showToast({ title: spec.rejected, icon: 'none' });
      drop(this, id);
    },
  };
}
