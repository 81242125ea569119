import { backendContract } from '../../../test/support/backend-contract.ts';
import { restHarness } from '../../../test/support/backends/rest.ts';

backendContract('rest', restHarness('basic'));
