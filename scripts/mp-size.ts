/**
 * Sizes of the mini-program per package (main and each subpackage), measured on what WeChat's
 * compiler produces for upload (miniprogram-ci getCompiledResult with the project's settings,
 * offline), against the goal for the main package and WeChat's limit per package.
 */
import { compileProject, packageSizes } from './wechat-build';

const KB = 1024;
export const MAIN_PACKAGE_GOAL_KB = 600;
export const PACKAGE_LIMIT_KB = 2048;

if (require.main === module) {
  compileProject().then(
    ({ files, milliseconds }) => {
      console.log(`mini-program package sizes (WeChat's compiler, miniprogram-ci getCompiledResult: ${files.size} files in ${(milliseconds / 1000).toFixed(1)} s)`);
      for (const { name, bytes, files: count } of packageSizes(files)) {
        const label = name === 'main' ? 'main (主包, incl. miniprogram_npm)' : `subpackage ${name}`;
        console.log(`  ${label.padEnd(38)} ${(bytes / KB).toFixed(1).padStart(8)} KB  ${String(count).padStart(4)} files`);
      }
      console.log(`  goal: main ≤ ${MAIN_PACKAGE_GOAL_KB} KB; limit: ${PACKAGE_LIMIT_KB} KB per package`);
      // miniprogram-ci keeps its compiler process for later compiles (it leaves after 10 idle minutes).
      process.exit(0);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
