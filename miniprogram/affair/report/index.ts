/**
 * 上报问题 (网格发现): a resident, a grid worker or staff reports a problem of the community — its
 * category as large chips, 一般 or 紧急, what is wrong, where (grid and building of the community,
 * first the person's own: a resident's home, a grid worker's grid, since their stored address is
 * their first grid's workplace), up to 3 photos. 当事人 only for 矛盾纠纷; 匿名 only for residents
 * (staff and grid workers sign what they report as part of their work). One clientRequestId per
 * form, so a second tap after a lost reply finds the first report instead of making another.
 * The first screen is two calls: user.me, then community.get for the grids. Photos go in the
 * person's own random folder (affair.photoFolder, asked when the first photo is chosen), so a
 * photo's address does not name an anonymous reporter.
 */
import type { AffairCategory, AffairUrgency, Grid } from '../../../core/model';
import { call, newRequestId } from '../../api/api';
import { type UploadedPhoto, uploadChosenPhotos } from '../../api/files';
import { askToSubscribe } from '../../api/subscribe';
import { largeText } from '../../utils/format';
import { AFFAIR_CATEGORIES, AFFAIR_URGENCIES } from '../../utils/labels';

type Field = 'category' | 'description' | 'grid' | 'building' | 'placeDetail' | 'parties';

const DISPUTE: AffairCategory = '矛盾纠纷';
const MAX_PHOTOS = 3;

Component({
  data: {
    largeText: false,
    loading: true,
    error: '',
    /** Registered in a community; else the page offers 去登记. */
    registered: true,
    /** Only residents, grid workers and staff report (department people get theirs whistled). */
    mayReport: true,
    /** A resident (neither staff nor grid worker): may report anonymously. */
    resident: false,
    /** Where my photos go (affairs/<folder>/…), asked once when the first photo is chosen. */
    photoFolder: '',
    categories: AFFAIR_CATEGORIES as readonly AffairCategory[],
    urgencies: AFFAIR_URGENCIES as readonly AffairUrgency[],
    category: '' as AffairCategory | '',
    urgency: '一般' as AffairUrgency,
    description: '',
    grids: [] as Grid[],
    gridNames: [] as string[],
    gridIndex: -1,
    buildings: [] as string[],
    buildingIndex: -1,
    placeDetail: '',
    parties: '',
    anonymous: false,
    /** What van-uploader shows, with the fileID behind each. */
    photos: [] as UploadedPhoto[],
    uploading: false,
    errors: {} as Partial<Record<Field, string>>,
    /** The cloud's refusal, above the button. */
    submitError: '',
    requestId: '',
    submitting: false,
  },
  methods: {
    onLoad() {
      this.setData({ largeText: largeText(), requestId: newRequestId() });
      void this.load();
    },
    async load() {
      this.setData({ loading: true, error: '' });
      const me = await call('user.me', {}, { toast: false });
      if (!me.ok) return this.setData({ loading: false, error: me.error.message });
      const { profile, roles } = me.data;
      if (!profile) return this.setData({ loading: false, registered: false });
      const official = roles.includes('staff') || roles.includes('grid_worker');
      if (!official && !roles.includes('resident')) return this.setData({ loading: false, mayReport: false });
      const community = await call('community.get', { communityId: profile.communityId }, { toast: false });
      if (!community.ok) return this.setData({ loading: false, error: community.error.message });
      const grids = community.data.grids;
      // Only the categories this community takes (社区设置 → 事务办理规则).
      const taken = community.data.settings.affairRules.categories.map((item) => item.name);
      const gridIndex = grids.findIndex((grid) => grid.id === profile.address.gridId);
      const buildings = grids[gridIndex]?.buildings ?? [];
      this.setData({
        loading: false,
        categories: AFFAIR_CATEGORIES.filter((name) => taken.includes(name)),
        resident: !official,
        grids,
        gridNames: grids.map((grid) => grid.name),
        gridIndex,
        buildings,
        // A workplace (社区办公场所) is no building of the grid: the person picks one.
        buildingIndex: buildings.indexOf(profile.address.building),
      });
    },
    onCategory(event: WechatMiniprogram.BaseEvent) {
      const category = event.currentTarget.dataset.category as AffairCategory;
      this.setData({ category, 'errors.category': '', submitError: '', ...(category === DISPUTE ? {} : { parties: '', 'errors.parties': '' }) });
    },
    onUrgency(event: WechatMiniprogram.BaseEvent) {
      this.setData({ urgency: event.currentTarget.dataset.urgency as AffairUrgency, submitError: '' });
    },
    onInput(event: Vant.FieldChange) {
      const field = String(event.currentTarget.dataset.field) as Field;
      this.setData({ [field]: event.detail, [`errors.${field}`]: '', submitError: '' });
    },
    onGrid(event: WechatMiniprogram.PickerChange) {
      const gridIndex = Number(event.detail.value);
      this.setData({ gridIndex, buildings: this.data.grids[gridIndex]?.buildings ?? [], buildingIndex: -1, 'errors.grid': '', submitError: '' });
    },
    onBuilding(event: WechatMiniprogram.PickerChange) {
      this.setData({ buildingIndex: Number(event.detail.value), 'errors.building': '', submitError: '' });
    },
    onAnonymous(event: Vant.SwitchChange) {
      this.setData({ anonymous: event.detail === true });
    },
    validate(): boolean {
      const { category, description, gridIndex, buildingIndex, placeDetail, parties } = this.data;
      const errors: Partial<Record<Field, string>> = {};
      if (!category) errors.category = '请选择问题类别';
      if (!description.trim()) errors.description = '请描述遇到的问题';
      else if (description.trim().length > 500) errors.description = '问题描述不能超过 500 个字';
      if (gridIndex < 0) errors.grid = '请选择网格';
      else if (buildingIndex < 0) errors.building = '请选择楼栋';
      if (placeDetail.trim().length > 50) errors.placeDetail = '具体位置不能超过 50 个字';
      if (category === DISPUTE && parties.trim().length > 100) errors.parties = '当事人不能超过 100 个字';
      this.setData({ errors });
      return Object.keys(errors).length === 0;
    },
    /** A photo was chosen: uploaded at once, into this report's folder (from its request id), the only one the cloud accepts. */
    async onPhotoRead(event: Vant.UploaderAfterRead) {
      this.setData({ uploading: true });
      if (!this.data.photoFolder) {
        const reply = await call('affair.photoFolder', { for: 'report', clientRequestId: this.data.requestId }, { toast: false });
        if (!reply.ok) {
          wx.showToast({ title: '照片上传失败，请重试', icon: 'none' });
          this.setData({ uploading: false });
          return;
        }
        this.setData({ photoFolder: reply.data.folder });
      }
      await uploadChosenPhotos(event, {
        folder: `affairs/${this.data.photoFolder}`,
        stem: this.data.requestId,
        max: MAX_PHOTOS,
        held: () => this.data.photos,
        set: (photos) => this.setData({ photos }),
      });
      this.setData({ uploading: false });
    },
    onPhotoDelete(event: Vant.UploaderDelete) {
      this.setData({ photos: this.data.photos.filter((_photo, index) => index !== event.detail.index) });
    },
    async onSubmit() {
      if (this.data.submitting || this.data.uploading || !this.validate()) return;
      const { category, urgency, description, grids, gridIndex, buildings, buildingIndex, placeDetail, parties, anonymous, resident, photos, requestId } = this.data;
      const grid = grids[gridIndex];
      const building = buildings[buildingIndex];
      if (!category || !grid || !building) return;
      // Before any await: WeChat shows the dialog only within the tap.
      const subscribed = askToSubscribe(['affair_resolved']);
      this.setData({ submitting: true, submitError: '' });
      const detail = placeDetail.trim();
      const who = parties.trim();
      const reply = await call(
        'affair.report',
        {
          category,
          urgency,
          description: description.trim(),
          place: { gridId: grid.id, building, ...(detail ? { detail } : {}) },
          ...(category === DISPUTE && who ? { parties: who } : {}),
          ...(photos.length > 0 ? { photos: photos.map((photo) => photo.fileID) } : {}),
          ...(resident && anonymous ? { anonymous: true } : {}),
          clientRequestId: requestId,
        },
        { loading: '正在提交', toast: false },
      );
      this.setData({ submitting: false });
      if (!reply.ok) return this.setData({ submitError: reply.error.message });
      wx.showToast({ title: '已上报，社区会尽快处理', icon: 'success' });
      // Leaving the page could take the dialog with it: let the person answer it first.
      await subscribed;
      wx.redirectTo({ url: `/affair/detail/index?affairId=${encodeURIComponent(reply.data.affair.id)}` });
    },
    onRegister() {
      wx.switchTab({ url: '/pages/me/index' });
    },
  },
});
