# The team's commands. README.md names the two that matter: `just demo` and `just test`.

set shell := ["bash", "-euo", "pipefail", "-c"]

musl_target := "x86_64-unknown-linux-musl"

# List the recipes.
default:
    @just --list

# KAFKA_VERSION selects the broker version; KAFKA_BOOTSTRAP=host:port uses an existing cluster.
# All tests: unit, property, and integration against an Apache Kafka the tests start themselves.
test:
    # --no-fail-fast: one failing test binary must not hide the results of the others.
    cargo test --workspace --no-fail-fast

# A produce-and-consume round trip through a broker the command starts.
demo:
    cargo run --release -p integration-tests --bin demo

# Benchmarks (criterion); figures go to BENCHMARKS.md with the command that produced them.
bench:
    cargo bench --workspace

# Formatting, clippy with warnings as errors, and the no-C check.
lint:
    cargo fmt --all --check
    cargo clippy --workspace --all-targets -- -D warnings
    scripts/check-no-c

# Regenerate kafka-protocol's golden vectors with Kafka's own classes (4.4.0 and 3.9.1).
golden:
    scripts/golden-vectors
    scripts/golden-vectors 3.9.1

# Fail if the committed golden vectors differ from what Kafka's classes write today.
golden-check:
    scripts/golden-vectors --check
    scripts/golden-vectors --check 3.9.1

# A static x86_64 musl release build of the example binaries, checked to be statically linked.
musl:
    rustup target list --installed | grep -qx {{musl_target}} || rustup target add {{musl_target}}
    cargo build --release --target {{musl_target}} -p integration-tests --bins
    for bin in demo kafka-fixture; do \
      f="${CARGO_TARGET_DIR:-target}/{{musl_target}}/release/$bin"; \
      file "$f"; \
      file "$f" | grep -Eq 'statically linked|static-pie linked' || { echo "$f is not statically linked" >&2; exit 1; }; \
      if ldd "$f" 2>&1 | grep -q '=>'; then echo "$f links shared libraries:" >&2; ldd "$f" >&2; exit 1; fi; \
    done

# Start a single-node Kafka (KRaft) on 127.0.0.1 and print its bootstrap address.
broker-up:
    cargo run -q -p integration-tests --bin kafka-fixture -- up

# Start a 3-node Kafka cluster (replication factor 3, min.insync.replicas 2).
broker-cluster-up:
    cargo run -q -p integration-tests --bin kafka-fixture -- up --nodes 3

# Stop the broker(s) started by broker-up or broker-cluster-up and remove their data.
broker-down:
    cargo run -q -p integration-tests --bin kafka-fixture -- down

# 5M x 100 B, acks=all, idempotent, linger.ms=5, none and lz4; figures go to BENCHMARKS.md.
# Our producer against Java's ProducerPerformance on one broker, side by side.
bench-producer *ARGS:
    cargo run --release -p integration-tests --bin producer-bench -- {{ARGS}}

# Word count through our TopologyTestDriver and Java's (kafka-streams-test-utils), side by side.
# Figures go to BENCHMARKS.md (streams-core section).
bench-ttd *ARGS:
    cargo run --release -p integration-tests --bin ttd-bench -- {{ARGS}}
