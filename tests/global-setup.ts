/** Builds the local cloud, linli's cloud functions and the fixture functions once before the suite. */
import path from 'node:path';
import { buildFunctions, buildLocalCloud } from '../scripts/build';
import { buildMiniprogram } from '../scripts/build-miniprogram';

export const FIXTURE_FUNCTIONS_OUT = path.resolve(__dirname, '../.build/test-functions');
// Timer-triggered fixtures live apart, so advancing the clock in other suites does not fire them.
export const TIMER_FIXTURE_FUNCTIONS_OUT = path.resolve(__dirname, '../.build/test-timer-functions');

export default async function setup(): Promise<void> {
  await buildLocalCloud();
  await buildMiniprogram();
  await buildFunctions(path.resolve(__dirname, '../cloudfunctions'));
  await buildFunctions(path.resolve(__dirname, 'fixtures/functions'), FIXTURE_FUNCTIONS_OUT);
  await buildFunctions(path.resolve(__dirname, 'fixtures/timer-functions'), TIMER_FIXTURE_FUNCTIONS_OUT);
}
