import type { Scenario } from '../scenario.ts';
import { duplicateUploads, matcherZombie } from './concurrency.ts';
import { kafkaOutage, redisRestart, registryOutage } from './outages.ts';
import { splitProducerKill, splitWorkerKill } from './split-kills.ts';

/** In the order `npm run chaos` runs them. */
export const SCENARIOS: Scenario[] = [
  splitWorkerKill,
  splitProducerKill,
  kafkaOutage,
  registryOutage,
  redisRestart,
  duplicateUploads,
  matcherZombie,
];
