import { backendContract } from '../../../test/support/backend-contract.ts';
import { alloyHarness } from '../../../test/support/backends/rest-vendors.ts';

backendContract('rest', alloyHarness);
