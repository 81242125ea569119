import { backendContract } from '../../../test/support/backend-contract.ts';
import { open311Harness } from '../../../test/support/backends/open311-upstream.ts';

backendContract('open311-upstream', open311Harness('json'));
