/** What stands for a person's name in the records kept after they 注销 (and what ledgers print for them). */
export const DELETED_NAME = '已注销用户';
