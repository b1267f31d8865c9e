import cloud from 'wx-server-sdk';

cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string });

/** Does nothing but read the caller: the floor of a cloud call's cost. */
export async function main() {
  return { openid: cloud.getWXContext().OPENID };
}
