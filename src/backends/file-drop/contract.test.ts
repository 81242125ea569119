import { backendContract } from '../../../test/support/backend-contract.ts';
import { fileDropHarness } from '../../../test/support/backends/file-drop.ts';

backendContract('file-drop', fileDropHarness);
