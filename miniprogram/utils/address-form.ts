/**
 * The name-and-address form of registration (我的) and of 修改资料: the same checks, in the same
 * words, before either sends it (the cloud checks again).
 */
import type { Address, Grid } from '../../core/model';

export type AddressField = 'name' | 'grid' | 'building' | 'unit' | 'room';

export interface AddressFormInput {
  grid: Grid | undefined;
  building: string | undefined;
  name: string;
  unit: string;
  room: string;
}

/** The problems by field, and the name and address when there are none. */
export function checkAddressForm(form: AddressFormInput): { errors: Partial<Record<AddressField, string>>; value: { name: string; address: Address } | null } {
  const errors: Partial<Record<AddressField, string>> = {};
  if (!form.grid) errors.grid = '请选择网格';
  if (!form.building) errors.building = '请选择楼栋';
  const name = form.name.trim();
  if (!name) errors.name = '请填写姓名';
  else if (name.length > 20) errors.name = '姓名不能超过 20 个字';
  const unit = form.unit.trim();
  const room = form.room.trim();
  if (unit.length > 10) errors.unit = '单元不能超过 10 个字';
  if (room.length > 10) errors.room = '房号不能超过 10 个字';
  if (Object.keys(errors).length > 0 || !form.grid || !form.building) return { errors, value: null };
  const address: Address = { gridId: form.grid.id, building: form.building };
  if (unit) address.unit = unit;
  if (room) address.room = room;
  return { errors, value: { name, address } };
}
