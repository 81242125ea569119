import { backendContract } from '../../../test/support/backend-contract.ts';
import { webhookHarness } from '../../../test/support/backends/webhook.ts';

backendContract('webhook', webhookHarness);
