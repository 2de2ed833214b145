//! A stream-table join: enrich each order with its customer's name from a table, keeping orders
//! whose customer is not known yet.
//!
//! `cargo run -p streams-dsl --example enrich_join`; no broker needed.

use streams_core::StreamsConfig;
use streams_core::serde::Serdes;
use streams_core::test_driver::TopologyTestDriver;
use streams_core::topology::Topology;
use streams_dsl::StreamsBuilder;

/// `orders` (customer id → item) joined with `customers` (id → name) → `enriched-orders`.
pub(crate) fn topology() -> Result<Topology, streams_dsl::DslError> {
    let builder = StreamsBuilder::new();
    // Joining materializes the table as `customers-STATE-STORE-0000000000`.
    let customers = builder.table::<String, String>("customers");
    builder
        .stream::<String, String>("orders")
        .left_join_table(&customers, |order, name| {
            format!("{order} for {}", name.map_or("unknown", String::as_str))
        })
        .map_values(|v| v.to_uppercase())
        .to("enriched-orders");
    builder.build()
}

#[allow(dead_code)] // The parity test includes this file for `topology()` only.
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let topology = topology()?;
    println!("{}", topology.describe());
    let driver = TopologyTestDriver::with_wall_clock(topology, StreamsConfig::new("orders"), 0)?;
    let mut customers = driver.create_input_topic("customers", Serdes::string(), Serdes::string());
    let mut orders = driver.create_input_topic("orders", Serdes::string(), Serdes::string());
    let mut out = driver.create_output_topic("enriched-orders", Serdes::string(), Serdes::string());
    customers.pipe_input_at("c1".into(), "Ann".into(), 1)?;
    orders.pipe_input_at("c1".into(), "book".into(), 2)?;
    orders.pipe_input_at("c2".into(), "pen".into(), 3)?;
    for (customer, order) in out.read_key_values_to_list()? {
        println!("{customer}: {order}");
    }
    Ok(())
}
