import type { Scenario } from '../scenario.ts';
import { splitProducerKill, splitWorkerKill } from './split-kills.ts';

/** In the order `npm run chaos` runs them. */
export const SCENARIOS: Scenario[] = [splitWorkerKill, splitProducerKill];
