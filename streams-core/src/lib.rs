//! The Kafka Streams runtime core: the Processor API and everything that runs a topology.
//!
//! It is to hold topologies and their validation, tasks and stream time, punctuation, state stores
//! on redb with changelogs and restoration, standby replicas, task assignment, exactly-once
//! processing and the `TopologyTestDriver`. The typed DSL in `streams-dsl` compiles down to it.
//!
//! Status: nothing here yet beyond the crate itself; see the workspace README's status table.
