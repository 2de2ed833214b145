//! Fixtures for tests against a real Apache Kafka broker and real Java peers.
