import { backendContract } from '../contract.ts';
import { open311Harness } from './harness.ts';

backendContract('open311-upstream', open311Harness('xml'));
