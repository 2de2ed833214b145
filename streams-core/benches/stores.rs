//! Placeholder so the workspace manifest parses while the streams-core benches are written.
fn main() {}
