/**
 * Which community a setup page works on: the one its link names (an administrator's list), or the
 * caller's own (staff opening it from 我的).
 */
import { call } from '../api/api';

export async function communityIdOf(options: { communityId?: string } | undefined): Promise<{ communityId: string } | { error: string }> {
  if (options?.communityId) return { communityId: options.communityId };
  const me = await call('user.me', {}, { toast: false });
  if (!me.ok) return { error: me.error.message };
  return me.data.communityId ? { communityId: me.data.communityId } : { error: '您还没有加入社区' };
}
