import { backendContract } from '../../../test/support/backend-contract.ts';
import { builtinHarness } from '../../../test/support/backends/builtin.ts';

backendContract('builtin', builtinHarness);
