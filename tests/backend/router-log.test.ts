/**
 * A cloud function's unexpected failure reaches the cloud's log as one JSON line: which function,
 * action and invocation, the error's code and message, and nothing personal from the input or the
 * error (a duplicate-key error quotes the key it met).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRouter } from '../../backend/router';
import { DomainError } from '../../core/errors';
import type { Handlers } from '../../core/handlers';
import type { Deps } from '../../core/ports';

const PHONE = '13900001111';
const ID_NUMBER = '11010519491231002X';
const NAME = '王桂兰';
const REQUEST_ID = '0f6c3b1e-5d9a-4c1f-9b7e-2a8d4e6f1c3a';

/** A database that knows nobody: the caller is a newcomer, who may call user.register. */
const deps = (): Deps =>
  ({
    store: {
      collection: () => ({ findJoined: async () => [], get: async () => null }),
      transaction: async () => {
        throw new Error('not used');
      },
    },
    clock: { now: () => new Date('2025-12-01T02:00:00Z') },
    random: { id: () => 'id', digits: (n: number) => '0'.repeat(n), code: (n: number) => 'A'.repeat(n) },
    content: { check: async () => 'pass' },
    notifier: { notify: async () => undefined },
    phones: { exchange: async () => null },
    files: { upload: async () => '', temporaryUrl: async () => '', remove: async () => undefined },
    spreadsheets: { write: async () => ({ bytes: new Uint8Array(), rows: 0 }) },
    adminOpenids: new Set<string>(),
  }) as unknown as Deps;

function routerThrowing(error: unknown) {
  const handlers = {
    'user.register': async () => {
      throw error;
    },
  } as unknown as Handlers<'user'>;
  return createRouter('user', handlers, deps, () => ({ OPENID: 'o-newcomer', SOURCE: 'wx_client' }));
}

const register = { action: 'user.register', input: { consent: true, communityId: 'c1', name: NAME, phoneCode: 'c0de', address: { gridId: 'g1', building: '1栋', room: '301' } } };

describe('router: an INTERNAL failure in the log', () => {
  const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
  afterEach(() => errors.mockClear());

  it('is one JSON line with function, action, request id and the error, without the personal data', async () => {
    const duplicate = Object.assign(
      new Error(`collection.add:fail -502001 E11000 duplicate key error collection: users index: phone_unique dup key: { phone: "${PHONE}", idNumber: "${ID_NUMBER}", name: "${NAME}" }`),
      { errCode: -502001 },
    );
    const main = routerThrowing(duplicate);

    const reply = await main(register, { request_id: REQUEST_ID });

    expect(reply).toEqual({ ok: false, error: { code: 'INTERNAL', message: expect.any(String) } });
    expect(errors).toHaveBeenCalledTimes(1);
    const args = errors.mock.calls[0]!;
    expect(args).toHaveLength(1);
    const line = String(args[0]);
    expect(line).not.toContain('\n');
    expect(JSON.parse(line)).toMatchObject({
      level: 'error',
      function: 'user',
      action: 'user.register',
      requestId: REQUEST_ID,
      code: 'INTERNAL',
      error: { name: 'Error', code: -502001, message: expect.stringContaining('-502001 E11000 duplicate key error collection: users index: phone_unique') },
    });
    for (const personal of [PHONE, ID_NUMBER, NAME, '301', '1栋']) expect(line).not.toContain(personal);
    expect(JSON.parse(line).error.message).not.toMatch(/(?<!-)\d{6,}/);
  });

  it('says which invocation even without a request id, and what kind of thing was thrown', async () => {
    const main = routerThrowing('a string, not an Error');
    await main(register);
    expect(JSON.parse(String(errors.mock.calls[0]![0]))).toMatchObject({ function: 'user', action: 'user.register', requestId: null, error: { name: 'string' } });
  });

  it('logs nothing for a refusal the action meant (a DomainError)', async () => {
    const main = routerThrowing(new DomainError('CONFLICT', '手机号已登记'));
    expect(await main(register, { request_id: REQUEST_ID })).toEqual({ ok: false, error: { code: 'CONFLICT', message: '手机号已登记' } });
    expect(errors).not.toHaveBeenCalled();
  });
});
