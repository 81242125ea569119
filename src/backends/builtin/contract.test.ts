import { backendContract } from '../contract.ts';
import { builtinHarness } from './harness.ts';

backendContract('builtin', builtinHarness);
