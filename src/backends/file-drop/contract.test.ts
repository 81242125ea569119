import { backendContract } from '../contract.ts';
import { fileDropHarness } from './harness.ts';

backendContract('file-drop', fileDropHarness);
