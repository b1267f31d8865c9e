/**
 * One matter of 居民议事: what it is, where it belongs, its stage; voting (民评) with the options as
 * large rows, the person's (or household's) vote marked and changeable until the deadline, or why
 * they may not vote (no confirmed household: 联系社区); the count once voting is closed; the
 * decision once published; the discussion (民议) with a comment form. Staff act here too: open a
 * proposed matter (deadline, rule, options) or decline it, close the voting, publish the result,
 * hide a comment with a reason. Every button shows from the matter's `allowed` alone. The first
 * screen is two calls at once: the matter and the first page of its comments.
 */
import type { CouncilCommentView, CouncilMatterView, CouncilScopeView } from '../../../core/contract';
import type { CouncilLinkKind, VotingRule } from '../../../core/model';
import { type ApiReply, call } from '../../api/api';
import { askToSubscribe } from '../../api/subscribe';
import { refreshPage } from '../../behaviors/refresh';
import { formatTime, largeText } from '../../utils/format';
import { beijingToday } from '../../utils/records';
import { type MatterRow, RULE_TEXT, toMatterRow } from '../rows';

interface CommentRow extends CouncilCommentView {
  createdText: string;
  roleText: string;
}

interface TallyRow {
  option: string;
  count: number;
  /** Of the largest count, for the bar. */
  percent: number;
}

const ROLE_TEXT: Record<CouncilCommentView['authorRole'], string> = { resident: '', grid_worker: '网格员', staff: '社区工作人员' };
const EVENT_TEXT: Record<string, string> = { proposed: '提出议题', opened: '发起议事', declined: '不予受理', closed: '结束投票', published: '公开结果' };
const COMMENTS_PAGE = 20;
const LINK_TEXT: Record<CouncilLinkKind, string> = { affair: '社区事件', activity: '志愿活动', order: '服务工单' };

const toCommentRow = (comment: CouncilCommentView): CommentRow => ({ ...comment, createdText: formatTime(comment.createdAt), roleText: ROLE_TEXT[comment.authorRole] });

function tallyRows(matter: CouncilMatterView): TallyRow[] {
  if (!matter.tally || !matter.options) return [];
  const top = Math.max(1, ...matter.tally.counts);
  return matter.options.map((option, index) => ({ option, count: matter.tally!.counts[index] ?? 0, percent: Math.round(((matter.tally!.counts[index] ?? 0) / top) * 100) }));
}

/** A Beijing calendar day `days` after today (the deadline picker's bounds; the cloud checks them). */
const dayAhead = (days: number): string => beijingToday(Date.now() + days * 86_400_000);

Component({
  behaviors: [refreshPage],
  data: {
    largeText: false,
    loading: true,
    error: '',
    matterId: '',
    matter: null as MatterRow | null,
    ruleText: '',
    tally: [] as TallyRow[],
    timeline: [] as Array<{ text: string; at: string; note?: string }>,
    comments: [] as CommentRow[],
    commentsCursor: null as string | null,
    voting: false,
    commentText: '',
    commenting: false,
    // Staff forms.
    deadline: '',
    minDeadline: '',
    maxDeadline: '',
    votingRule: 'household' as VotingRule,
    /** Other scopes staff may put the matter to (asked for only when they tap 调整范围); -1: the proposer's. */
    scopes: [] as CouncilScopeView[],
    scopeIndex: -1,
    optionsText: '',
    reason: '',
    decision: '',
    nextStep: '',
    /** What the decision became (publish): none, or an affair, activity or order by its id. */
    linkKinds: [{ kind: '', text: '不关联' }, ...(Object.keys(LINK_TEXT) as CouncilLinkKind[]).map((kind) => ({ kind, text: LINK_TEXT[kind] }))],
    linkText: LINK_TEXT,
    linkKind: '' as CouncilLinkKind | '',
    linkId: '',
    hideId: '',
    hideReason: '',
    acting: false,
    actionError: '',
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({ largeText: largeText(), matterId: query.matterId ?? '', minDeadline: dayAhead(1), maxDeadline: dayAhead(30), deadline: dayAhead(7) });
      void this.load();
    },
    async load() {
      this.setData({ loading: true, error: '' });
      const matterId = this.data.matterId;
      const [matter, comments] = await Promise.all([
        call('council.get', { matterId }, { toast: false }),
        call('council.comments', { matterId, limit: COMMENTS_PAGE }, { toast: false }),
      ]);
      if (!matter.ok) return this.setData({ loading: false, error: matter.error.message });
      this.show(matter.data);
      this.setData({
        loading: false,
        comments: comments.ok ? comments.data.items.map(toCommentRow) : [],
        commentsCursor: comments.ok ? comments.data.nextCursor : null,
      });
    },
    show(matter: CouncilMatterView) {
      // A reply without the timeline or the vote (a vote's) keeps what was shown.
      const previous = this.data.matter;
      const merged: CouncilMatterView = { ...matter, timeline: matter.timeline ?? previous?.timeline, ...(matter.myVote === undefined && previous ? { myVote: previous.myVote } : {}) };
      this.setData({
        matter: toMatterRow(merged),
        ruleText: merged.votingRule ? RULE_TEXT[merged.votingRule] : '',
        tally: tallyRows(merged),
        timeline: (merged.timeline ?? []).map((entry) => ({ text: `${entry.byName} ${EVENT_TEXT[entry.kind] ?? entry.kind}`, at: formatTime(entry.at), ...(entry.note ? { note: entry.note } : {}) })),
        actionError: '',
      });
    },
    async moreComments() {
      const cursor = this.data.commentsCursor;
      if (!cursor) return;
      const reply = await call('council.comments', { matterId: this.data.matterId, cursor, limit: COMMENTS_PAGE });
      if (reply.ok) this.setData({ comments: [...this.data.comments, ...reply.data.items.map(toCommentRow)], commentsCursor: reply.data.nextCursor });
    },

    async onVote(event: WechatMiniprogram.BaseEvent) {
      const option = Number(event.currentTarget.dataset.option);
      // The options show to everyone; only someone the cloud lets vote now taps one.
      if (this.data.voting || !this.data.matter?.allowed.includes('vote')) return;
      this.setData({ voting: true, actionError: '' });
      const reply = await call('council.vote', { matterId: this.data.matterId, option }, { toast: false });
      this.setData({ voting: false });
      if (!reply.ok) return this.setData({ actionError: reply.error.message });
      this.show(reply.data.matter);
      void wx.showToast({ title: reply.data.changed ? '已改票' : '已投票', icon: 'success' });
    },

    onField(event: Vant.FieldChange) {
      this.setData({ [String(event.currentTarget.dataset.field)]: event.detail });
    },
    onDeadline(event: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.setData({ deadline: event.detail.value });
    },
    onLinkKind(event: WechatMiniprogram.BaseEvent) {
      this.setData({ linkKind: (event.currentTarget.dataset.kind as CouncilLinkKind | '') ?? '' });
    },
    async onChangeScope() {
      if (this.data.scopes.length > 0) return;
      const reply = await call('council.scopes', {}, { toast: false });
      if (!reply.ok) return this.setData({ actionError: reply.error.message });
      this.setData({ scopes: reply.data });
    },
    onScope(event: WechatMiniprogram.BaseEvent) {
      this.setData({ scopeIndex: Number(event.currentTarget.dataset.index) });
    },
    onRule(event: WechatMiniprogram.BaseEvent) {
      this.setData({ votingRule: event.currentTarget.dataset.rule as VotingRule });
    },

    async onComment() {
      const text = this.data.commentText.trim();
      if (!text) return this.setData({ actionError: '请填写评论' });
      if (this.data.commenting) return;
      this.setData({ commenting: true, actionError: '' });
      const reply = await call('council.comment', { matterId: this.data.matterId, text }, { toast: false });
      this.setData({ commenting: false });
      if (!reply.ok) return this.setData({ actionError: reply.error.message });
      const matter = this.data.matter!;
      // Appended only when the list is complete: with pages still to load, it comes in its place.
      const comments = this.data.commentsCursor ? this.data.comments : [...this.data.comments, toCommentRow(reply.data)];
      this.setData({ commentText: '', comments, 'matter.commentCount': matter.commentCount + 1 });
      void wx.showToast({ title: '已发表', icon: 'success' });
    },

    /**
     * Runs a staff action and shows the matter it replies with. Staff working on matters are asked
     * (within the tap) to be told of the next one residents raise.
     */
    async act(run: () => Promise<ApiReply<CouncilMatterView>>, done: string, reset: Record<string, unknown> = {}) {
      if (this.data.acting) return;
      void askToSubscribe(['council_proposed']);
      this.setData({ acting: true, actionError: '' });
      const reply = await run();
      this.setData({ acting: false });
      if (!reply.ok) return this.setData({ actionError: reply.error.message });
      this.show(reply.data);
      this.setData(reset);
      void wx.showToast({ title: done, icon: 'success' });
    },
    onOpenMatter() {
      const options = this.data.optionsText
        .split(/[、，,\s]+/)
        .map((option) => option.trim())
        .filter(Boolean);
      if (options.length === 1) return this.setData({ actionError: '自定选项至少 2 个，用“、”隔开；留空则为赞成、反对、弃权' });
      const chosen = this.data.scopes[this.data.scopeIndex];
      const scope = !chosen
        ? {}
        : { scope: chosen.kind === 'community' ? { kind: chosen.kind } : chosen.kind === 'grid' ? { kind: chosen.kind, gridId: chosen.gridId! } : { kind: chosen.kind, gridId: chosen.gridId!, building: chosen.building! } };
      return this.act(
        () =>
          call(
            'council.open',
            { matterId: this.data.matterId, deadline: this.data.deadline, votingRule: this.data.votingRule, ...(options.length > 0 ? { options } : {}), ...scope },
            { toast: false },
          ),
        '已发起议事',
        { scopes: [], scopeIndex: -1 },
      );
    },
    onDecline() {
      if (!this.data.reason.trim()) return this.setData({ actionError: '请填写不予受理的原因' });
      return this.act(() => call('council.decline', { matterId: this.data.matterId, reason: this.data.reason.trim() }, { toast: false }), '已不予受理', { reason: '' });
    },
    onClose() {
      const reason = this.data.reason.trim();
      if (!this.data.matter?.votingEnded && !reason) return this.setData({ actionError: '投票尚未截止，提前结束请填写原因' });
      return this.act(() => call('council.close', { matterId: this.data.matterId, ...(reason ? { reason } : {}) }, { toast: false }), '已结束投票', { reason: '' });
    },
    onPublish() {
      const decision = this.data.decision.trim();
      if (!decision) return this.setData({ actionError: '请填写议事结果' });
      const nextStep = this.data.nextStep.trim();
      const { linkKind } = this.data;
      const linkId = this.data.linkId.trim();
      if (linkKind && !linkId) return this.setData({ actionError: `请填写${LINK_TEXT[linkKind]}的编号，或选“不关联”` });
      const link = linkKind ? { link: { kind: linkKind, id: linkId } } : {};
      return this.act(
        () => call('council.publish', { matterId: this.data.matterId, decision, ...(nextStep ? { nextStep } : {}), ...link }, { toast: false }),
        '已公开',
        { decision: '', nextStep: '', linkKind: '', linkId: '' },
      );
    },

    onHideStart(event: WechatMiniprogram.BaseEvent) {
      this.setData({ hideId: String(event.currentTarget.dataset.id), hideReason: '', actionError: '' });
    },
    onHideCancel() {
      this.setData({ hideId: '', hideReason: '' });
    },
    async onHide() {
      const reason = this.data.hideReason.trim();
      if (!reason) return this.setData({ actionError: '请填写隐藏的原因' });
      if (this.data.acting) return;
      this.setData({ acting: true, actionError: '' });
      const reply = await call('council.hideComment', { commentId: this.data.hideId, reason }, { toast: false });
      this.setData({ acting: false });
      if (!reply.ok) return this.setData({ actionError: reply.error.message });
      const row = toCommentRow(reply.data);
      this.setData({ comments: this.data.comments.map((comment) => (comment.id === row.id ? { ...row, mine: comment.mine } : comment)), hideId: '', hideReason: '' });
      void wx.showToast({ title: '已隐藏', icon: 'success' });
    },
  },
});
