import { backendContract } from '../contract.ts';
import { emailHarness } from './harness.ts';

backendContract('email', emailHarness);
