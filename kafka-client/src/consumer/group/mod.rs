//! Group membership without IO: the classic protocol and KIP-848.

pub mod classic;
pub mod consumer_protocol;
pub mod kip848;
