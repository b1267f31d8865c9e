/** Wires a cloud function to wx-server-sdk: the one place that imports it. */
import cloud from 'wx-server-sdk';
import type { FunctionName } from '../core/contract';
import type { Handlers } from '../core/handlers';
import type { Deps, Spreadsheets } from '../core/ports';
import { cryptoRandom, type SdkOpenApi, systemClock, wxContentSafety, wxNotifier, wxFileStorage, wxPhoneVerification, type SdkStorage } from './platform';
import { createRouter, type RouterOptions } from './router';
import { type SdkDatabase, WxStore } from './wx-store';

cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string });

export interface CloudFunctionOptions extends RouterOptions {
  /**
   * Writes .xlsx files (backend/spreadsheets.ts). Only a function that passes it bundles exceljs,
   * some 2.4 MB: the others stay small and start fast.
   */
  spreadsheets?: Spreadsheets;
}

/** For a function that writes no spreadsheet: using it is a wiring mistake, told loudly. */
const noSpreadsheets: Spreadsheets = {
  write: async () => {
    throw new Error('this cloud function was built without spreadsheets (pass them to cloudFunction)');
  },
};

let deps: Deps | null = null;

function platformDeps(options: CloudFunctionOptions): Deps {
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
      spreadsheets: options.spreadsheets ?? noSpreadsheets,
      adminOpenids: new Set((process.env.LINLI_ADMIN_OPENIDS ?? '').split(',').map((id) => id.trim()).filter(Boolean)),
    };
  }
  return deps;
}

export function cloudFunction<F extends FunctionName>(name: F, handlers: Handlers<F>, options: CloudFunctionOptions = {}) {
  return createRouter(name, handlers, () => platformDeps(options), () => cloud.getWXContext(), options);
}
