export { TOPICS, topicName } from './catalog.ts';
export type { TopicSpec, TopicName } from './catalog.ts';
export { applyTopics } from './apply.ts';
export type { TopicReport, TopicState } from './apply.ts';
