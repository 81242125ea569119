import { backendContract } from '../../../test/support/backend-contract.ts';
import { confirmHarness } from '../../../test/support/backends/rest-vendors.ts';

backendContract('rest', confirmHarness);
