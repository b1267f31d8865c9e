/**
 * Errors the local cloud returns on the wire. `code` is the TCB string code: wx-server-sdk maps it
 * to its numeric errCode through TCB_ERR_CODE (e.g. DATABASE_COLLECTION_NOT_EXIST → -502005).
 */
export class CloudError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'CloudError';
  }
}

export const dbErrors = {
  collectionNotExist: (name: string) =>
    new CloudError(
      'DATABASE_COLLECTION_NOT_EXIST',
      `[ResourceNotFound] Db or Table not exist. Please check your request, but if the problem persists, contact us. (collection: ${name})`,
    ),
  collectionExists: (name: string) =>
    new CloudError('DATABASE_COLLECTION_ALREADY_EXIST', `[ResourceInUse] Table exist. (collection: ${name})`),
  duplicateKey: (collection: string, index: string, key: string) =>
    new CloudError(
      'DATABASE_REQUEST_FAILED',
      `E11000 duplicate key error collection: ${collection} index: ${index} dup key: ${key}`,
    ),
  // MongoDB's createIndexes/dropIndexes refusals (codes 86, 85, 27), which the real service reports as a failed request.
  indexNameConflict: (collection: string, index: string) =>
    new CloudError(
      'DATABASE_REQUEST_FAILED',
      `[IndexKeySpecsConflict] An existing index has the same name as the requested index but different keys or options. (collection: ${collection}, index: ${index})`,
    ),
  indexKeysConflict: (collection: string, existing: string) =>
    new CloudError('DATABASE_REQUEST_FAILED', `[IndexOptionsConflict] Index already exists with a different name: ${existing} (collection: ${collection})`),
  indexNotFound: (collection: string, index: string) =>
    new CloudError('DATABASE_REQUEST_FAILED', `[IndexNotFound] index not found with name [${index}] (collection: ${collection})`),
  invalidParam: (message: string) => new CloudError('INVALID_PARAM', message),
  requestFailed: (message: string) => new CloudError('DATABASE_REQUEST_FAILED', message),
  transactionConflict: () =>
    new CloudError(
      'DATABASE_TRANSACTION_CONFLICT',
      'Transaction is conflicting with another transaction or write; the transaction was aborted',
    ),
  transactionFail: (message: string) => new CloudError('DATABASE_TRANSACTION_FAIL', message),
};
