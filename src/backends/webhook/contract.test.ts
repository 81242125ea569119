import { backendContract } from '../contract.ts';
import { webhookHarness } from './harness.ts';

backendContract('webhook', webhookHarness);
