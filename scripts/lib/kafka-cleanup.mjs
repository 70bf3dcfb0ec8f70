// After a test run: delete the topics and consumer groups the suites made
// under their own prefixes, so a developer's broker does not grow by a few
// hundred partitions per run (a restart then reloads every one of them).
import { createRequire } from 'node:module';
import { ROOT } from './env.mjs';

const require = createRequire(`${ROOT}/package.json`);
const { Kafka, logLevel } = require('kafkajs');

/**
 * Prefixes only test suites use (libs/testing's uniqueTopicPrefix, the e2e
 * stacks). Simulator and benchmark runs are left alone: one may still be running.
 */
const TEST_PREFIXES = ['t_', 'e2e_'];
const isTestName = (name) => TEST_PREFIXES.some((prefix) => name.startsWith(prefix));

export async function deleteTestTopics(brokers) {
  const admin = new Kafka({ brokers: brokers.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter(isTestName);
    for (let i = 0; i < topics.length; i += 100)
      await admin.deleteTopics({ topics: topics.slice(i, i + 100), timeout: 30000 });
    const { groups } = await admin.listGroups();
    const idle = groups.map((g) => g.groupId).filter(isTestName);
    if (idle.length > 0) await admin.deleteGroups(idle).catch(() => undefined); // a group still in use is left alone
    return topics.length;
  } finally {
    await admin.disconnect();
  }
}
