/** Wires a cloud function to wx-server-sdk: the one place that imports it. */
import cloud from 'wx-server-sdk';
import type { FunctionName } from '../core/contract';
import type { Handlers } from '../core/handlers';
import type { Deps } from '../core/ports';
import { cryptoRandom, type SdkOpenApi, systemClock, wxContentSafety, wxNotifier, wxFileStorage, wxPhoneVerification, type SdkStorage } from './platform';
import { createRouter, type RouterOptions } from './router';
import { type SdkDatabase, WxStore } from './wx-store';

cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string });

let deps: Deps | null = null;

function platformDeps(): Deps {
  if (!deps) {
    const openapi = cloud.openapi as unknown as SdkOpenApi;
    deps = {
      store: new WxStore(cloud.database() as unknown as SdkDatabase),
      clock: systemClock,
      random: cryptoRandom,
      content: wxContentSafety(openapi),
      notifier: wxNotifier(openapi),
      phones: wxPhoneVerification(openapi),
      files: wxFileStorage(cloud as unknown as SdkStorage),
      adminOpenids: new Set((process.env.LINLI_ADMIN_OPENIDS ?? '').split(',').map((id) => id.trim()).filter(Boolean)),
    };
  }
  return deps;
}

export function cloudFunction<F extends FunctionName>(name: F, handlers: Handlers<F>, options?: RouterOptions) {
  return createRouter(name, handlers, platformDeps, () => cloud.getWXContext(), options);
}
