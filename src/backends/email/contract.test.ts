import { backendContract } from '../../../test/support/backend-contract.ts';
import { emailHarness } from '../../../test/support/backends/email.ts';

backendContract('email', emailHarness);
