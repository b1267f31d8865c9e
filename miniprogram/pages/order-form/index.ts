/**
 * Order form (预约服务): the service chosen on the home page, what is needed, where (my address,
 * unit and room editable), how to reach me and when. One clientRequestId per form, so a second tap
 * after a lost reply cannot create a second order.
 *
 * With `householdId` (代点单, from a household's page): the order is for one of that household's
 * members at its door, placed by its linker, staff or grid worker; the service is picked here, the
 * phone is the household's unless another is typed.
 */
import type { Address } from '../../../core/model';
import { call, newRequestId } from '../../api/api';
import { type UploadedPhoto, uploadChosenPhotos } from '../../api/files';
import { askToSubscribe } from '../../api/subscribe';
import { formatAddress, isPhone, largeText, PHONE_MESSAGE } from '../../utils/format';

type Field = 'description' | 'unit' | 'room' | 'phone' | 'preferredTime';

Component({
  data: {
    largeText: false,
    loading: true,
    error: '',
    serviceId: '',
    serviceName: '',
    serviceDescription: '',
    registered: true,
    gridId: '',
    building: '',
    buildingText: '',
    description: '',
    unit: '',
    room: '',
    phone: '',
    preferredTime: '',
    errors: {} as Partial<Record<Field, string>>,
    serviceError: '',
    requestId: '',
    submitting: false,
    /** Optional photos of the need: what van-uploader shows, with the fileID behind each. */
    photos: [] as UploadedPhoto[],
    openid: '',
    uploading: false,
    // 代点单 for a household of the register.
    householdId: '',
    householdAddress: '',
    members: [] as string[],
    memberName: '',
    /** The catalogue, when the service is picked here (代点单 starts without one). */
    services: [] as Array<{ id: string; name: string; description: string }>,
  },
  methods: {
    onLoad(query: { serviceId?: string; householdId?: string }) {
      this.setData({ largeText: largeText(), serviceId: query.serviceId ?? '', householdId: query.householdId ?? '', requestId: newRequestId() });
      if (query.householdId) wx.setNavigationBarTitle({ title: '代点单' });
      void this.load();
    },
    async load() {
      this.setData({ loading: true, error: '' });
      const { householdId } = this.data;
      const [reply, household] = await Promise.all([call('user.home', {}, { toast: false }), householdId ? call('household.get', { householdId }, { toast: false }) : Promise.resolve(null)]);
      if (!reply.ok) {
        this.setData({ loading: false, error: reply.error.message });
        return;
      }
      const { me, services } = reply.data;
      const service = services.find((s) => s.id === this.data.serviceId);
      if (household) {
        if (!household.ok) return this.setData({ loading: false, error: household.error.message });
        if (!household.data.mayOrder) return this.setData({ loading: false, error: '您不能为这一户代点单' });
        const { household: home } = household.data;
        return this.setData({
          openid: me.openid,
          loading: false,
          householdAddress: `${home.gridName} ${home.address}`,
          members: home.members.map((member) => member.name),
          memberName: home.members[0]?.name ?? '',
          // A grid worker reads the phone masked: left empty, the cloud takes the household's.
          phone: home.contactPhone && !home.contactPhone.includes('*') ? home.contactPhone : '',
          services: services.map((item) => ({ id: item.id, name: item.name, description: item.description ?? '' })),
          serviceName: service?.name ?? '',
          serviceDescription: service?.description ?? '',
        });
      }
      if (!me.profile) {
        this.setData({ loading: false, registered: false });
        return;
      }
      if (!service) {
        this.setData({ loading: false, error: '这项服务已下架或不存在，请返回首页重新选择' });
        return;
      }
      const address = me.profile.address;
      this.setData({
        openid: me.openid,
        loading: false,
        serviceName: service.name,
        serviceDescription: service.description ?? '',
        gridId: address.gridId,
        building: address.building,
        unit: address.unit ?? '',
        room: address.room ?? '',
        phone: me.profile.phone,
        buildingText: formatAddress({ gridId: address.gridId, building: address.building }),
      });
    },
    onInput(event: Vant.FieldChange) {
      const field = String(event.currentTarget.dataset.field) as Field;
      this.setData({ [field]: event.detail, [`errors.${field}`]: '' });
    },
    onService(event: WechatMiniprogram.BaseEvent) {
      const service = this.data.services.find((item) => item.id === event.currentTarget.dataset.id);
      if (service) this.setData({ serviceId: service.id, serviceName: service.name, serviceDescription: service.description, serviceError: '' });
    },
    onMember(event: WechatMiniprogram.BaseEvent) {
      this.setData({ memberName: String(event.currentTarget.dataset.name) });
    },
    validate(): boolean {
      const errors: Partial<Record<Field, string>> = {};
      const forHousehold = this.data.householdId !== '';
      this.setData({ serviceError: this.data.serviceId ? '' : '请选择服务项目' });
      const description = this.data.description.trim();
      if (!description) errors.description = '请说明需要什么帮助';
      else if (description.length > 500) errors.description = '需求描述不能超过 500 个字';
      // 代点单: an elder may have no phone; the volunteer then goes to the door.
      if (!(forHousehold && this.data.phone.trim() === '') && !isPhone(this.data.phone)) errors.phone = PHONE_MESSAGE;
      if (this.data.unit.trim().length > 10) errors.unit = '单元不能超过 10 个字';
      if (this.data.room.trim().length > 10) errors.room = '房号不能超过 10 个字';
      if (this.data.preferredTime.trim().length > 50) errors.preferredTime = '期望时间不能超过 50 个字';
      this.setData({ errors });
      return Object.keys(errors).length === 0 && this.data.serviceId !== '';
    },
    /** A photo was chosen: upload it at once, under orders/<my openid>/, as the cloud requires. */
    async onPhotoRead(event: Vant.UploaderAfterRead) {
      this.setData({ uploading: true });
      await uploadChosenPhotos(event, {
        folder: `orders/${this.data.openid}`,
        stem: this.data.requestId,
        max: 3,
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
      if (this.data.householdId) return this.submitForHousehold();
      // Before any await: WeChat shows the dialog only within the tap. The order goes ahead meanwhile.
      const subscribed = askToSubscribe(['order_accepted', 'order_completed', 'order_handed_back']);
      this.setData({ submitting: true });
      const address: Address = { gridId: this.data.gridId, building: this.data.building };
      if (this.data.unit.trim()) address.unit = this.data.unit.trim();
      if (this.data.room.trim()) address.room = this.data.room.trim();
      const preferredTime = this.data.preferredTime.trim();
      const reply = await call(
        'order.create',
        {
          serviceId: this.data.serviceId,
          description: this.data.description.trim(),
          address,
          contactPhone: this.data.phone.trim(),
          ...(preferredTime ? { preferredTime } : {}),
          ...(this.data.photos.length > 0 ? { photos: this.data.photos.map((photo) => photo.fileID) } : {}),
          clientRequestId: this.data.requestId,
        },
        { loading: '正在提交' },
      );
      this.setData({ submitting: false });
      if (reply.ok) {
        wx.showToast({ title: '已提交，请等待安排', icon: 'success' });
        // Leaving the page could take the dialog with it: let the person answer it first.
        await subscribed;
        wx.redirectTo({ url: `/pages/order-detail/index?id=${encodeURIComponent(reply.data.order.id)}` });
      }
    },
    /** 代点单: the notices of the order go to its resident, so nothing is asked to subscribe here. */
    async submitForHousehold() {
      this.setData({ submitting: true });
      const phone = this.data.phone.trim();
      const preferredTime = this.data.preferredTime.trim();
      const reply = await call(
        'order.create',
        {
          serviceId: this.data.serviceId,
          description: this.data.description.trim(),
          onBehalfOf: { name: this.data.memberName, householdId: this.data.householdId, ...(phone ? { phone } : {}) },
          ...(preferredTime ? { preferredTime } : {}),
          ...(this.data.photos.length > 0 ? { photos: this.data.photos.map((photo) => photo.fileID) } : {}),
          clientRequestId: this.data.requestId,
        },
        { loading: '正在提交' },
      );
      this.setData({ submitting: false });
      if (!reply.ok) return;
      wx.showToast({ title: '已代为下单', icon: 'success' });
      wx.redirectTo({ url: `/pages/order-detail/index?id=${encodeURIComponent(reply.data.order.id)}` });
    },
    onRegister() {
      wx.switchTab({ url: '/pages/me/index' });
    },
  },
});
