// Java on this machine: the JDK to run with, and the pinned Kafka and Apicurio artefacts
// from Maven Central (the local stack runs them; the JVM producer bridge uses Kafka's jars).
export { pinnedVersions, ensureKafka, ensureApicurio } from './downloads.ts';
export { findJdks, chooseJdk } from './jdk.ts';
