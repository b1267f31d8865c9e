import cloud from 'wx-server-sdk';

cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string });
const db = cloud.database();

/** One read and one write, like a typical action: load the caller's counter, then bump it. */
export async function main() {
  const { OPENID } = cloud.getWXContext();
  const id = `counter-${OPENID}`;
  const found = (await db.collection('bench').where({ _id: id }).get()) as unknown as { data: Array<{ count?: number }> };
  const count = found.data[0]?.count ?? 0;
  await db.collection('bench').doc(id).set({ data: { count: count + 1, at: db.serverDate() } });
  return { count: count + 1 };
}
