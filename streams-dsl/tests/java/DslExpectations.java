// Java's own answers for the streams-dsl parity tests.
//
// For every scenario named in the scenario file (argument 1) this builds the topology below with
// Kafka Streams' DSL, prints Topology.describe(), pipes the scenario's input records through
// Java's TopologyTestDriver and prints every output topic's records. The Rust tests build the
// same topology with streams-dsl, pipe the same file, and compare.
//
// Output format, one scenario after another:
//   #scenario <name>
//   #describe
//   <describe() lines>
//   #output <topic>
//   <key>|<value>|<timestamp>|<header key>=<hex value>,...
//   #probe                           (only scenarios with a probe: store reads after the input)
//   <line>
//   #raw <internal topic>            (only topics named by Scenario.raw, sorted by name)
//   <hex key>|<hex value>|<timestamp>|<header key>=<hex value>,...
//   #end
// Values print with toString(); null prints as "null"; windowed keys print as [key@start/end].

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.*;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.SessionStore;
import org.apache.kafka.streams.state.WindowStore;

public class DslExpectations {
    static final Serde<String> S = Serdes.String();
    static final Serde<Long> L = Serdes.Long();
    static final Serde<Integer> I = Serdes.Integer();

    /** A scenario: the topology and how to read each output topic. */
    static final class Scenario {
        final Consumer<StreamsBuilder> build;
        final Map<String, Deserializer<?>[]> outputs = new LinkedHashMap<>();
        final List<String> raw = new ArrayList<>();
        java.util.function.Function<TopologyTestDriver, List<String>> probe;
        /** Passed to StreamsBuilder.build(props) (e.g. topology.optimization). */
        final Properties buildProps = new Properties();

        Scenario(Consumer<StreamsBuilder> build) {
            this.build = build;
            // Every changelog and repartition topic is compared byte for byte.
            raw.add("-changelog");
            raw.add("-repartition");
        }

        Scenario out(String topic, Deserializer<?> key, Deserializer<?> value) {
            outputs.put(topic, new Deserializer<?>[] {key, value});
            return this;
        }

        Scenario out(String topic) {
            return out(topic, S.deserializer(), S.deserializer());
        }

        /** Also print what `p` reads from the driver's stores once the input is processed. */
        Scenario probe(java.util.function.Function<TopologyTestDriver, List<String>> p) {
            probe = p;
            return this;
        }

        /** Builds the topology with this setting, as StreamsBuilder.build(props). */
        Scenario buildProp(String key, String value) {
            buildProps.put(key, value);
            return this;
        }

        /** Also print, byte for byte, every produced topic whose name contains one of these. */
        Scenario raw(String... nameParts) {
            raw.addAll(Arrays.asList(nameParts));
            return this;
        }
    }

    static final Map<String, Scenario> SCENARIOS = new LinkedHashMap<>();

    static Deserializer<Windowed<String>> timeWindowed(long size) {
        return WindowedSerdes.timeWindowedSerdeFrom(String.class, size).deserializer();
    }

    static Deserializer<Windowed<String>> sessionWindowed() {
        return WindowedSerdes.sessionWindowedSerdeFrom(String.class).deserializer();
    }

    static {
        // ---- stateless ----
        SCENARIOS.put("stateless", new Scenario(b -> {
            KStream<String, String> s = b.stream("in");
            s.filter((k, v) -> !v.startsWith("x")).mapValues(v -> v.toUpperCase()).to("out-upper");
            s.filterNot((k, v) -> v.length() > 3).map((k, v) -> KeyValue.pair(v, k)).to("out-swapped");
            s.flatMapValues(v -> Arrays.asList(v.split(" ")))
                .selectKey((k, v) -> v)
                .peek((k, v) -> { })
                .to("out-words");
            s.flatMap((k, v) -> List.of(KeyValue.pair(k + "1", v), KeyValue.pair(k + "2", v)))
                .to("out-flat");
            s.foreach((k, v) -> { });
        }).out("out-upper").out("out-swapped").out("out-words").out("out-flat"));

        SCENARIOS.put("split_merge", new Scenario(b -> {
            Map<String, KStream<String, String>> named = b.<String, String>stream("in")
                .split(Named.as("br-"))
                .branch((k, v) -> v.startsWith("a"), Branched.as("a"))
                .branch((k, v) -> v.startsWith("b"), Branched.as("b"))
                .defaultBranch(Branched.as("other"));
            named.get("br-a").merge(named.get("br-b")).to("out-ab");
            named.get("br-other").to("out-other");
            Map<String, KStream<String, String>> auto = b.<String, String>stream("in2")
                .split()
                .branch((k, v) -> v.length() < 3)
                .defaultBranch();
            for (Map.Entry<String, KStream<String, String>> e : auto.entrySet()) {
                e.getValue().to(e.getKey().endsWith("1") ? "out-short" : "out-long");
            }
        }).out("out-ab").out("out-other").out("out-short").out("out-long"));

        SCENARIOS.put("to_extractor", new Scenario(b -> {
            b.<String, String>stream("in").to((k, v, ctx) -> "out-" + k.substring(0, 1));
        }).out("out-a").out("out-b"));

        SCENARIOS.put("process", new Scenario(b -> {
            b.<String, String>stream("in")
                .process(() -> new Processor<String, String, String, Integer>() {
                    ProcessorContext<String, Integer> ctx;

                    @Override
                    public void init(ProcessorContext<String, Integer> context) {
                        ctx = context;
                    }

                    @Override
                    public void process(Record<String, String> record) {
                        ctx.forward(record.withValue(record.value().length()));
                    }
                })
                .to("out", Produced.with(S, I));
        }).out("out", S.deserializer(), I.deserializer()));

        SCENARIOS.put("process_store", new Scenario(b -> {
            b.addStateStore(org.apache.kafka.streams.state.Stores.keyValueStoreBuilder(
                org.apache.kafka.streams.state.Stores.inMemoryKeyValueStore("seen"), S, L));
            b.<String, String>stream("in")
                .process(() -> new Processor<String, String, String, Long>() {
                    ProcessorContext<String, Long> ctx;
                    KeyValueStore<String, Long> seen;

                    @Override
                    public void init(ProcessorContext<String, Long> context) {
                        ctx = context;
                        seen = context.getStateStore("seen");
                    }

                    @Override
                    public void process(Record<String, String> record) {
                        Long n = seen.get(record.key());
                        long next = (n == null ? 0 : n) + record.value().length();
                        seen.put(record.key(), next);
                        ctx.forward(record.withValue(next));
                    }
                }, "seen")
                .to("out", Produced.with(S, L));
        }).out("out", S.deserializer(), L.deserializer()));

        // processValues: a fixed-key processor with a store; the stream stays partitioned (the
        // count after it needs no repartition), while after a key change it still does.
        SCENARIOS.put("process_values", new Scenario(b -> {
            b.addStateStore(org.apache.kafka.streams.state.Stores.keyValueStoreBuilder(
                org.apache.kafka.streams.state.Stores.inMemoryKeyValueStore("seen2"), S, L));
            KStream<String, String> s = b.stream("in");
            s.processValues(() -> new org.apache.kafka.streams.processor.api.FixedKeyProcessor<String, String, String>() {
                    org.apache.kafka.streams.processor.api.FixedKeyProcessorContext<String, String> ctx;
                    KeyValueStore<String, Long> seen;

                    @Override
                    public void init(org.apache.kafka.streams.processor.api.FixedKeyProcessorContext<String, String> context) {
                        ctx = context;
                        seen = context.getStateStore("seen2");
                    }

                    @Override
                    public void process(org.apache.kafka.streams.processor.api.FixedKeyRecord<String, String> r) {
                        Long n = seen.get(r.key());
                        long next = (n == null ? 0 : n) + r.value().length();
                        seen.put(r.key(), next);
                        ctx.forward(r.withValue(r.value() + "#" + next));
                    }
                }, "seen2")
                .groupByKey()
                .count()
                .toStream()
                .to("out", Produced.with(S, L));
            s.selectKey((k, v) -> v)
                .processValues(() -> new org.apache.kafka.streams.processor.api.FixedKeyProcessor<String, String, String>() {
                    org.apache.kafka.streams.processor.api.FixedKeyProcessorContext<String, String> ctx;

                    @Override
                    public void init(org.apache.kafka.streams.processor.api.FixedKeyProcessorContext<String, String> context) {
                        ctx = context;
                    }

                    @Override
                    public void process(org.apache.kafka.streams.processor.api.FixedKeyRecord<String, String> r) {
                        ctx.forward(r.withValue(r.value().toUpperCase()));
                    }
                })
                .groupByKey()
                .count()
                .toStream()
                .to("out-rekey", Produced.with(S, L));
        }).out("out", S.deserializer(), L.deserializer()).out("out-rekey", S.deserializer(), L.deserializer())
          .raw("-repartition"));

        // filter / filterNot / mapValues with Materialized: a named store holds the result (and
        // logs it); an unnamed Materialized draws a store name but materializes nothing.
        SCENARIOS.put("table_materialized_ops", new Scenario(b -> {
            KTable<String, String> t = b.table("tin");
            KTable<String, String> f = t.filter((k, v) -> !v.startsWith("x"), Materialized.as("filtered"));
            f.toStream().to("out-f");
            t.mapValues(v -> v.length(),
                    Materialized.<String, Integer, KeyValueStore<Bytes, byte[]>>as("lengths").withValueSerde(I))
                .toStream().to("out-m", Produced.with(S, I));
            t.filterNot((k, v) -> v.startsWith("a"), Materialized.with(S, S)).toStream().to("out-fn");
            KTable<String, String> t2 = b.table("tin2");
            f.join(t2, (a, c) -> a + "/" + c).toStream().to("out-j");
        }).out("out-f").out("out-m", S.deserializer(), I.deserializer()).out("out-fn").out("out-j")
          .raw("-changelog"));

        // Table-table joins with Materialized: named results in stores of their own.
        SCENARIOS.put("table_join_materialized", new Scenario(b -> {
            KTable<String, String> l = b.table("tin");
            KTable<String, String> r = b.table("tin2");
            l.join(r, (a, c) -> a + "/" + c, Materialized.as("joined")).toStream().to("out-j");
            l.leftJoin(r, (a, c) -> a + "/" + c, Materialized.with(S, S)).toStream().to("out-l");
            l.outerJoin(r, (a, c) -> a + "/" + c, Materialized.as("outer")).toStream().to("out-o");
        }).out("out-j").out("out-l").out("out-o").raw("-changelog"));

        // addGlobalStore: generated and named (Consumed.withName) node names; a stream's
        // processor reads both global stores.
        SCENARIOS.put("global_store", new Scenario(b -> {
            b.addGlobalStore(org.apache.kafka.streams.state.Stores.keyValueStoreBuilder(
                    org.apache.kafka.streams.state.Stores.inMemoryKeyValueStore("rates"), S, S),
                "fx", Consumed.with(S, S), GlobalPut::new);
            b.addGlobalStore(org.apache.kafka.streams.state.Stores.keyValueStoreBuilder(
                    org.apache.kafka.streams.state.Stores.inMemoryKeyValueStore("rates2"), S, S),
                "fx2", Consumed.with(S, S).withName("g2"), GlobalPut2::new);
            b.<String, String>stream("in")
                .process(() -> new Processor<String, String, String, String>() {
                    ProcessorContext<String, String> ctx;
                    KeyValueStore<String, String> rates;
                    KeyValueStore<String, String> rates2;

                    @Override
                    public void init(ProcessorContext<String, String> context) {
                        ctx = context;
                        rates = context.getStateStore("rates");
                        rates2 = context.getStateStore("rates2");
                    }

                    @Override
                    public void process(Record<String, String> r) {
                        ctx.forward(r.withValue(r.value() + "@" + rates.get(r.key()) + "/" + rates2.get(r.key())));
                    }
                })
                .to("out");
        }).out("out"));

        // Named operations: Java still draws a generated index for each (NamedInternal's
        // orElseGenerateWithPrefix), so later generated names do not depend on naming.
        SCENARIOS.put("named_indices", new Scenario(b -> {
            b.stream("in", Consumed.with(S, S).withName("src"))
                .filter((k, v) -> !v.isEmpty(), Named.as("f"))
                .mapValues(v -> v + "!")
                .to("out");
        }).out("out"));

        // Named sources, processors, groupings, joins and sinks mixed with generated names.
        SCENARIOS.put("named_ops", new Scenario(b -> {
            KTable<String, String> users = b.table("users", Consumed.with(S, S).withName("users-src"));
            KStream<String, String> s = b.stream("in", Consumed.with(S, S).withName("in-src"));
            KStream<String, String> keyed = s.selectKey((k, v) -> v.split(":")[0], Named.as("rekey"));
            keyed.groupByKey(Grouped.as("by-user")).count()
                .toStream(Named.as("counts-out"))
                .to("out-count", Produced.<String, Long>as("count-sink").withKeySerde(S).withValueSerde(L));
            keyed.mapValues(v -> v.toUpperCase(), Named.as("upper"))
                .join(users, (v, u) -> v + "@" + u, Joined.as("enrich"))
                .filter((k, v) -> !v.isEmpty(), Named.as("nonempty"))
                .to("out-join", Produced.as("join-sink"));
            users.filter((k, v) -> !v.startsWith("x"), Named.as("live-users")).toStream().to("out-users");
        }).out("out-count", S.deserializer(), L.deserializer()).out("out-join").out("out-users")
          .raw("-repartition").raw("-changelog"));

        // Named suppressions (Suppressed.withName): processor <name>, buffer store <name>-store
        // (and its changelog), no index drawn.
        SCENARIOS.put("suppress_named", new Scenario(b -> {
            KStream<String, String> in = b.stream("in");
            in.groupByKey()
                .count(Materialized.with(S, L))
                .suppress(Suppressed.untilTimeLimit(Duration.ofMillis(10), Suppressed.BufferConfig.maxRecords(10))
                    .withName("hold"))
                .toStream()
                .to("out", Produced.with(S, L));
            in.groupByKey()
                .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMillis(10), Duration.ofMillis(0)))
                .count(Materialized.with(S, L))
                .suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()).withName("final"))
                .toStream()
                .to("out2", Produced.with(WindowedSerdes.timeWindowedSerdeFrom(String.class, 10), L));
        }).out("out", S.deserializer(), L.deserializer()).out("out2", timeWindowed(10), L.deserializer())
          .raw("-changelog"));

        // Named aggregations (count(Named), reduce(Named, Materialized)).
        SCENARIOS.put("named_aggregate", new Scenario(b -> {
            KGroupedStream<String, String> g = b.<String, String>stream("in").groupByKey();
            g.count(Named.as("counter")).toStream().to("out", Produced.with(S, L));
            g.reduce((a, c) -> a + c, Named.as("concat"), Materialized.with(S, S)).toStream().to("out2");
        }).out("out", S.deserializer(), L.deserializer()).out("out2").raw("-changelog"));

        SCENARIOS.put("to_table_join_pattern", new Scenario(b -> {
            KTable<String, String> t = b.<String, String>stream("tin").toTable();
            b.<String, String>stream(java.util.regex.Pattern.compile("ev-.*"))
                .join(t, (v, tv) -> v + "@" + tv)
                .to("out");
        }).out("out"));

        SCENARIOS.put("repartition", new Scenario(b -> {
            KStream<String, String> s = b.stream("in");
            s.selectKey((k, v) -> v).repartition().to("out");
            s.repartition(Repartitioned.as("named")).to("out-named");
        }).out("out").out("out-named"));

        // One unnamed grouping aggregated twice repartitions once per aggregation; a named one
        // shares its topic (with topology.optimization=none, the default).
        SCENARIOS.put("grouped_twice", new Scenario(b -> {
            KGroupedStream<String, String> g = b.<String, String>stream("in").selectKey((k, v) -> v).groupByKey();
            g.count().toStream().to("out-count", Produced.with(S, L));
            g.reduce((a, c) -> a + "+" + c).toStream().to("out-reduce");
            KGroupedStream<String, String> n = b.<String, String>stream("in2").groupBy((k, v) -> v, Grouped.as("byval"));
            n.count().toStream().to("out-ncount", Produced.with(S, L));
            n.reduce((a, c) -> a + "+" + c).toStream().to("out-nreduce");
        }).out("out-count", S.deserializer(), L.deserializer()).out("out-reduce")
          .out("out-ncount", S.deserializer(), L.deserializer()).out("out-nreduce").raw("-repartition"));

        // A key-changed stream joined with two tables goes through one repartition topic.
        SCENARIOS.put("rekey_two_joins", new Scenario(b -> {
            KStream<String, String> s = b.<String, String>stream("in").selectKey((k, v) -> v);
            KTable<String, String> t1 = b.table("t1");
            KTable<String, String> t2 = b.table("t2");
            s.join(t1, (v, t) -> v + "@" + t).to("out1");
            s.leftJoin(t2, (v, t) -> v + "@" + t).to("out2");
        }).out("out1").out("out2").raw("-repartition"));

        // A key-changed stream in two stream-stream joins: one repartition topic, shared.
        SCENARIOS.put("rekey_stream_join", new Scenario(b -> {
            KStream<String, String> l = b.<String, String>stream("left").selectKey((k, v) -> v);
            KStream<String, String> r = b.stream("right");
            JoinWindows w = JoinWindows.ofTimeDifferenceAndGrace(Duration.ofMillis(10), Duration.ofMillis(0));
            l.join(r, (a, c) -> a + "/" + c, w).to("out-inner");
            l.leftJoin(r, (a, c) -> a + "/" + c, w).to("out-left");
        }).out("out-inner").out("out-left").raw("-repartition"));

        SCENARIOS.put("to_table", new Scenario(b -> {
            b.<String, String>stream("in")
                .toTable(Materialized.as("tt"))
                .toStream()
                .to("out");
        }).out("out"));

        // ---- grouping and aggregation ----
        SCENARIOS.put("wordcount", new Scenario(b -> {
            b.<String, String>stream("text")
                .flatMapValues(v -> Arrays.asList(v.toLowerCase().split(" ")))
                .groupBy((k, w) -> w)
                .count()
                .toStream()
                .to("counts", Produced.with(S, L));
        }).out("counts", S.deserializer(), L.deserializer()));

        SCENARIOS.put("reduce", new Scenario(b -> {
            b.<String, String>stream("in")
                .groupByKey()
                .reduce((a, c) -> a + "+" + c)
                .toStream()
                .to("out");
        }).out("out").raw("-changelog"));

        SCENARIOS.put("count_materialized_with", new Scenario(b -> {
            b.<String, String>stream("in")
                .groupByKey()
                .count(Materialized.with(S, L))
                .toStream()
                .to("out", Produced.with(S, L));
        }).out("out", S.deserializer(), L.deserializer()));

        SCENARIOS.put("aggregate_named", new Scenario(b -> {
            b.<String, String>stream("in")
                .groupBy((k, v) -> v, Grouped.as("byval"))
                .aggregate(() -> 0L, (k, v, agg) -> agg + k.length(),
                    Materialized.<String, Long, KeyValueStore<Bytes, byte[]>>as("agg-store")
                        .withValueSerde(L))
                .toStream()
                .to("out", Produced.with(S, L));
        }).out("out", S.deserializer(), L.deserializer()));

        SCENARIOS.put("table_ops", new Scenario(b -> {
            KTable<String, String> t = b.table("tin");
            t.filter((k, v) -> !v.equals("drop")).mapValues(v -> v + "!").toStream().to("out");
            b.<String, String>table("tin2", Materialized.as("tstore")).toStream().to("out2");
        }).out("out").out("out2").raw("-changelog"));

        SCENARIOS.put("table_group_by", new Scenario(b -> {
            KTable<String, String> t = b.table("tin");
            t.groupBy((k, v) -> KeyValue.pair(v, k)).count().toStream().to("out-count", Produced.with(S, L));
            t.groupBy((k, v) -> KeyValue.pair(v.substring(0, 1), k), Grouped.as("first"))
                .aggregate(() -> "", (k, v, agg) -> agg + "+" + v, (k, v, agg) -> agg + "-" + v,
                    Materialized.as("agg-store"))
                .toStream()
                .to("out-agg");
            t.groupBy((k, v) -> KeyValue.pair("all", v)).reduce((a, c) -> a + c, (a, c) -> a.replace(c, ""))
                .toStream().to("out-reduce");
        }).out("out-count", S.deserializer(), L.deserializer()).out("out-agg").out("out-reduce").raw("-changelog"));

        SCENARIOS.put("more_ops", new Scenario(b -> {
            KStream<String, String> s = b.stream("in");
            s.mapValues((k, v) -> k + "=" + v).to("out-mvk");
            b.<String, String>table("tin").filterNot((k, v) -> v.startsWith("x"))
                .mapValues((k, v) -> k + ":" + v).toStream().to("out-table");
            s.groupByKey()
                .windowedBy(TimeWindows.ofSizeWithNoGrace(Duration.ofMillis(10)))
                .reduce((a, c) -> a + c)
                .toStream()
                .to("out-wreduce", Produced.with(WindowedSerdes.timeWindowedSerdeFrom(String.class, 10), S));
            s.groupByKey()
                .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(Duration.ofMillis(10)))
                .aggregate(() -> "", (k, v, agg) -> agg + v, (k, a1, a2) -> a1 + "|" + a2,
                    Materialized.<String, String, SessionStore<Bytes, byte[]>>as("sess-store"))
                .toStream()
                .to("out-session", Produced.with(WindowedSerdes.sessionWindowedSerdeFrom(String.class), S));
            GlobalKTable<String, String> g = b.globalTable("glob");
            s.leftJoin(g, (k, v) -> v, (v, gv) -> v + "@" + gv).to("out-gleft");
        }).out("out-mvk").out("out-table").out("out-wreduce", timeWindowed(10), S.deserializer())
          .out("out-session", sessionWindowed(), S.deserializer()).out("out-gleft").raw("-changelog"));

        // ---- windows ----
        SCENARIOS.put("tumbling_count", new Scenario(b -> {
            b.<String, String>stream("in")
                .groupByKey()
                .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMillis(10), Duration.ofMillis(5)))
                .count()
                .toStream()
                .to("out", Produced.with(WindowedSerdes.timeWindowedSerdeFrom(String.class, 10), L));
        }).out("out", timeWindowed(10), L.deserializer()));

        SCENARIOS.put("hopping_aggregate", new Scenario(b -> {
            b.<String, String>stream("in")
                .groupByKey()
                .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMillis(10), Duration.ofMillis(0))
                    .advanceBy(Duration.ofMillis(5)))
                .aggregate(() -> "", (k, v, agg) -> agg + v,
                    Materialized.<String, String, WindowStore<Bytes, byte[]>>as("hop-store"))
                .toStream()
                .to("out", Produced.with(WindowedSerdes.timeWindowedSerdeFrom(String.class, 10), S));
        }).out("out", timeWindowed(10), S.deserializer()).raw("-changelog"));

        SCENARIOS.put("session_count", new Scenario(b -> {
            b.<String, String>stream("in")
                .groupByKey()
                .windowedBy(SessionWindows.ofInactivityGapAndGrace(Duration.ofMillis(10), Duration.ofMillis(0)))
                .count()
                .toStream()
                .to("out", Produced.with(WindowedSerdes.sessionWindowedSerdeFrom(String.class), L));
        }).out("out", sessionWindowed(), L.deserializer()).raw("-changelog"));

        SCENARIOS.put("suppress_time_limit", new Scenario(b -> {
            b.<String, String>stream("in")
                .groupByKey()
                .count(Materialized.with(S, L))
                .suppress(Suppressed.untilTimeLimit(Duration.ofMillis(10), Suppressed.BufferConfig.maxRecords(2)))
                .toStream()
                .to("out", Produced.with(S, L));
            b.<String, String>table("tin")
                .suppress(Suppressed.untilTimeLimit(Duration.ofMillis(5), Suppressed.BufferConfig.unbounded()))
                .toStream()
                .to("out-table");
        }).out("out", S.deserializer(), L.deserializer()).out("out-table"));

        // What a suppressed table emits as each key's old value: its latest held update's, which
        // a regrouping downstream subtracts.
        SCENARIOS.put("suppress_regroup", new Scenario(b -> {
            b.<String, String>table("tin")
                .suppress(Suppressed.untilTimeLimit(Duration.ofMillis(5), Suppressed.BufferConfig.unbounded()))
                .groupBy((k, v) -> KeyValue.pair(v, k))
                .count(Materialized.with(S, L))
                .toStream()
                .to("out", Produced.with(S, L));
        }).out("out", S.deserializer(), L.deserializer()));

        // A byte-bounded buffer: the inputs bring it to exactly 106 bytes as Java counts them, and
        // then past it, so a count one byte off emits at other points.
        SCENARIOS.put("suppress_max_bytes", new Scenario(b -> {
            b.<String, String>table("tin")
                .suppress(Suppressed.untilTimeLimit(Duration.ofMillis(100), Suppressed.BufferConfig.maxBytes(106)))
                .toStream()
                .to("out");
        }).out("out"));

        // topology.optimization=reuse.ktable.source.topics: source tables' stores log nothing
        // (their topics are their changelogs); other stores keep their changelogs.
        SCENARIOS.put("reuse_source_topics", new Scenario(b -> {
            KTable<String, String> t = b.table("tin");
            KStream<String, String> s = b.stream("in");
            s.join(t, (l, r) -> l + "+" + r).to("out");
            b.<String, String>table("tin2", Materialized.as("named")).toStream().to("out2");
            s.groupByKey().count(Materialized.with(S, L)).toStream().to("out3", Produced.with(S, L));
        }).out("out").out("out2").out("out3", S.deserializer(), L.deserializer())
          .buildProp(StreamsConfig.TOPOLOGY_OPTIMIZATION_CONFIG, StreamsConfig.REUSE_KTABLE_SOURCE_TOPICS));

        // topology.optimization=all and its parts (merge.repartition.topics,
        // single.store.self.join) over one program: a key-changed stream into a count, a
        // filtered reduce (the filter moves behind the merged repartition) and a table join,
        // which share one repartition topic when merged; a mapValues'd count, which Java does not
        // merge (a value change sits between it and the key change); and a self-join, which
        // keeps one window store when optimized.
        for (String[] o : new String[][] {
                {"optimize_all", StreamsConfig.OPTIMIZE},
                {"optimize_merge", StreamsConfig.MERGE_REPARTITION_TOPICS},
                {"optimize_self_join", StreamsConfig.SINGLE_STORE_SELF_JOIN},
                {"optimize_none", StreamsConfig.NO_OPTIMIZATION}}) {
            SCENARIOS.put(o[0], new Scenario(DslExpectations::optimizable)
                .out("out-count", S.deserializer(), L.deserializer()).out("out-reduce").out("out-join")
                .out("out-mv", S.deserializer(), L.deserializer()).out("out-self").out("out-self-left")
                .buildProp(StreamsConfig.TOPOLOGY_OPTIMIZATION_CONFIG, o[1]));
        }

        // merge.repartition.topics with named operations: the merged topic takes the first
        // one's name (the named grouping's), and a named join's repartition merges into it.
        SCENARIOS.put("optimize_merge_named", new Scenario(b -> {
            KStream<String, String> k = b.<String, String>stream("in").map((key, v) -> KeyValue.pair(v.split(":")[0], v));
            KTable<String, String> t = b.table("tin");
            k.join(t, (v, tv) -> v + "@" + tv, Joined.as("j")).to("out-join");
            KGroupedStream<String, String> g = k.groupByKey(Grouped.as("g"));
            g.count(Materialized.with(S, L)).toStream().to("out-count", Produced.with(S, L));
            g.reduce((a, c) -> a + "+" + c).toStream().to("out-reduce");
            k.repartition().groupByKey().count(Materialized.with(S, L)).toStream().to("out-rcount", Produced.with(S, L));
        }).out("out-join").out("out-count", S.deserializer(), L.deserializer()).out("out-reduce")
          .out("out-rcount", S.deserializer(), L.deserializer())
          .buildProp(StreamsConfig.TOPOLOGY_OPTIMIZATION_CONFIG, StreamsConfig.MERGE_REPARTITION_TOPICS));

        // topology.optimization=all over group_by (its selector is the key change), a windowed
        // count of the same grouping, and a flatMap'd stream feeding a peek'd reduce and a
        // self-join: the reduce's and the join's repartitions merge, and the self-join then reads
        // the merged topic with one store.
        SCENARIOS.put("optimize_all_grouping", new Scenario(b -> {
            KStream<String, String> s = b.stream("in");
            KGroupedStream<String, String> g = s.groupBy((k, v) -> v.split(":")[0]);
            g.count(Materialized.with(S, L)).toStream().to("out-count", Produced.with(S, L));
            g.windowedBy(TimeWindows.ofSizeWithNoGrace(Duration.ofMillis(10))).count().toStream()
                .map((w, c) -> KeyValue.pair(w.key() + "@" + w.window().start(), c))
                .to("out-win", Produced.with(S, L));
            KStream<String, String> f = s.flatMap((k, v) -> Arrays.asList(
                KeyValue.pair(v.split(":")[0], v), KeyValue.pair("all", v)));
            f.peek((k, v) -> { }).groupByKey().reduce((a, c) -> a + "+" + c).toStream().to("out-reduce");
            f.join(f, (a, c) -> a + "/" + c,
                JoinWindows.ofTimeDifferenceAndGrace(Duration.ofMillis(10), Duration.ofMillis(0))).to("out-self");
        }).out("out-count", S.deserializer(), L.deserializer()).out("out-win", S.deserializer(), L.deserializer())
          .out("out-reduce").out("out-self")
          .buildProp(StreamsConfig.TOPOLOGY_OPTIMIZATION_CONFIG, StreamsConfig.OPTIMIZE));

        // single.store.self.join where the join is not of one node with itself (two streams; a
        // stream and a filter of it): Java keeps both window stores.
        SCENARIOS.put("optimize_not_self_join", new Scenario(b -> {
            KStream<String, String> l = b.stream("left");
            KStream<String, String> r = b.stream("right");
            JoinWindows w = JoinWindows.ofTimeDifferenceAndGrace(Duration.ofMillis(10), Duration.ofMillis(0));
            l.join(r, (a, c) -> a + "/" + c, w).to("out-two");
            l.join(l.filter((k, v) -> !v.endsWith("x")), (a, c) -> a + "/" + c, w).to("out-filtered");
        }).out("out-two").out("out-filtered")
          .buildProp(StreamsConfig.TOPOLOGY_OPTIMIZATION_CONFIG, StreamsConfig.SINGLE_STORE_SELF_JOIN));

        // toTable of a key-changed stream repartitions through <toTable node>-repartition; with
        // merge.repartition.topics that topic is the one the stream's count shares.
        for (String[] o : new String[][] {
                {"optimize_to_table_none", StreamsConfig.NO_OPTIMIZATION},
                {"optimize_to_table", StreamsConfig.MERGE_REPARTITION_TOPICS}}) {
            SCENARIOS.put(o[0], new Scenario(b -> {
                KStream<String, String> k = b.<String, String>stream("in").selectKey((key, v) -> v.split(":")[0]);
                k.toTable().toStream().to("out-table");
                k.groupByKey().count(Materialized.with(S, L)).toStream().to("out-count", Produced.with(S, L));
            }).out("out-table").out("out-count", S.deserializer(), L.deserializer())
              .buildProp(StreamsConfig.TOPOLOGY_OPTIMIZATION_CONFIG, o[1]));
        }

        // topology.optimization=all over cogroup_rekey's program: each key change's repartition
        // is rebuilt right after it (which renumbers the sub-topologies).
        SCENARIOS.put("optimize_cogroup", new Scenario(b -> {
            KGroupedStream<String, String> g1 = b.<String, String>stream("in1").selectKey((k, v) -> v).groupByKey();
            KGroupedStream<String, String> g2 = b.<String, String>stream("in2").groupByKey();
            KGroupedStream<String, String> g3 = b.<String, String>stream("in3").groupBy((k, v) -> v, Grouped.as("third"));
            g1.cogroup((String k, String v, String agg) -> agg + "1" + v)
                .cogroup(g2, (k, v, agg) -> agg + "2" + v)
                .cogroup(g3, (k, v, agg) -> agg + "3" + k)
                .aggregate(() -> "")
                .toStream()
                .to("out");
        }).out("out").buildProp(StreamsConfig.TOPOLOGY_OPTIMIZATION_CONFIG, StreamsConfig.OPTIMIZE));

        // topology.optimization=all where two key-changed streams are merged before grouping:
        // the merged repartition hangs off the merge node. (Java 4.4 throws "Found a null
        // keyChangingChild node" if one of the streams is also grouped on its own.)
        SCENARIOS.put("optimize_merge_node", new Scenario(b -> {
            KStream<String, String> a = b.<String, String>stream("in").selectKey((key, v) -> v.split(":")[0]);
            KStream<String, String> c = b.<String, String>stream("in2").selectKey((key, v) -> v.split(":")[0]);
            KStream<String, String> m = a.merge(c);
            m.groupByKey().count(Materialized.with(S, L)).toStream().to("out-count", Produced.with(S, L));
            m.groupByKey().reduce((x, y) -> x + "+" + y).toStream().to("out-reduce");
        }).out("out-count", S.deserializer(), L.deserializer()).out("out-reduce")
          .buildProp(StreamsConfig.TOPOLOGY_OPTIMIZATION_CONFIG, StreamsConfig.OPTIMIZE));

        // What processors after a suppression see as the record's metadata: the held record's.
        SCENARIOS.put("suppress_metadata", new Scenario(b -> {
            b.<String, String>table("tin")
                .suppress(Suppressed.untilTimeLimit(Duration.ofMillis(5), Suppressed.BufferConfig.unbounded()))
                .toStream()
                .process(() -> new Processor<String, String, String, String>() {
                    ProcessorContext<String, String> ctx;

                    @Override
                    public void init(ProcessorContext<String, String> context) {
                        ctx = context;
                    }

                    @Override
                    public void process(Record<String, String> record) {
                        String meta = ctx.recordMetadata()
                            .map(m -> m.topic() + "@" + m.partition() + "@" + m.offset())
                            .orElse("none");
                        ctx.forward(record.withValue(meta + ":" + record.value()));
                    }
                })
                .to("out");
        }).out("out"));

        // Which headers each operator's output carries: the inputs carry h=<n>.
        SCENARIOS.put("headers", new Scenario(b -> {
            KStream<String, String> s = b.stream("in");
            KTable<String, String> t = b.table("tin");
            s.mapValues(v -> v + "!").to("out-map");
            s.groupByKey().count(Materialized.with(S, L)).toStream().to("out-count", Produced.with(S, L));
            s.groupByKey()
                .count(Materialized.<String, Long, KeyValueStore<Bytes, byte[]>>as("nc")
                    .withKeySerde(S).withValueSerde(L).withCachingDisabled())
                .toStream().to("out-count-nc", Produced.with(S, L));
            s.groupByKey()
                .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMillis(10), Duration.ofMillis(5)))
                .count()
                .toStream()
                .to("out-win", Produced.with(WindowedSerdes.timeWindowedSerdeFrom(String.class, 10), L));
            t.toStream().to("out-table");
            s.join(t, (l, r) -> l + "+" + r).to("out-join");
            t.groupBy((k, v) -> KeyValue.pair(v, k)).count(Materialized.with(S, L)).toStream()
                .to("out-tgroup", Produced.with(S, L));
            s.join(b.<String, String>stream("in2"), (l, r) -> l + "*" + r,
                JoinWindows.ofTimeDifferenceWithNoGrace(Duration.ofMillis(5))).to("out-ssjoin");
        }).out("out-map").out("out-count", S.deserializer(), L.deserializer())
          .out("out-count-nc", S.deserializer(), L.deserializer())
          .out("out-win", timeWindowed(10), L.deserializer()).out("out-table").out("out-join")
          .out("out-tgroup", S.deserializer(), L.deserializer()).out("out-ssjoin"));

        SCENARIOS.put("suppress_final", new Scenario(b -> {
            b.<String, String>stream("in")
                .groupByKey()
                .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMillis(10), Duration.ofMillis(0)))
                .count(Materialized.with(S, L))
                .suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()))
                .toStream()
                .to("out", Produced.with(WindowedSerdes.timeWindowedSerdeFrom(String.class, 10), L));
        }).out("out", timeWindowed(10), L.deserializer()));

        // Window and session stores past retention: what fetches still return once the store's
        // stream time passes a window's retention by a millisecond, persistent and in memory.
        SCENARIOS.put("store_expiry", new Scenario(b -> {
            KGroupedStream<String, String> g = b.<String, String>stream("in").groupByKey();
            TimeWindows w = TimeWindows.ofSizeAndGrace(Duration.ofMillis(10), Duration.ofMillis(0));
            SessionWindows sw = SessionWindows.ofInactivityGapAndGrace(Duration.ofMillis(5), Duration.ofMillis(0));
            g.windowedBy(w).count(Materialized.<String, Long, WindowStore<Bytes, byte[]>>as("win")
                .withRetention(Duration.ofMillis(30)).withCachingDisabled());
            g.windowedBy(w).count(Materialized.<String, Long>as(
                org.apache.kafka.streams.state.Stores.inMemoryWindowStore("mem-win", Duration.ofMillis(30),
                    Duration.ofMillis(10), false)).withCachingDisabled());
            g.windowedBy(sw).count(Materialized.<String, Long, SessionStore<Bytes, byte[]>>as("sess")
                .withRetention(Duration.ofMillis(30)).withCachingDisabled());
            g.windowedBy(sw).count(Materialized.<String, Long>as(
                org.apache.kafka.streams.state.Stores.inMemorySessionStore("mem-sess", Duration.ofMillis(30))).withCachingDisabled());
        }).probe(DslExpectations::probeStores));

        // Windows on both sides of a segment boundary (60 s for a 2-minute retention): all() and
        // fetchAll() go segment by segment (persistent) or by window start (in memory).
        SCENARIOS.put("store_segments", new Scenario(b -> {
            KGroupedStream<String, String> g = b.<String, String>stream("in").groupByKey();
            TimeWindows w = TimeWindows.ofSizeAndGrace(Duration.ofMillis(10), Duration.ofMillis(0));
            SessionWindows sw = SessionWindows.ofInactivityGapAndGrace(Duration.ofMillis(5), Duration.ofMillis(0));
            g.windowedBy(w).count(Materialized.<String, Long, WindowStore<Bytes, byte[]>>as("win")
                .withRetention(Duration.ofMinutes(2)).withCachingDisabled());
            g.windowedBy(w).count(Materialized.<String, Long>as(
                org.apache.kafka.streams.state.Stores.inMemoryWindowStore("mem-win", Duration.ofMinutes(2),
                    Duration.ofMillis(10), false)).withCachingDisabled());
            g.windowedBy(sw).count(Materialized.<String, Long, SessionStore<Bytes, byte[]>>as("sess")
                .withRetention(Duration.ofMinutes(2)).withCachingDisabled());
            g.windowedBy(sw).count(Materialized.<String, Long>as(
                org.apache.kafka.streams.state.Stores.inMemorySessionStore("mem-sess", Duration.ofMinutes(2))).withCachingDisabled());
        }).probe(DslExpectations::probeStores));

        // ---- the programs in examples/ ----
        SCENARIOS.put("example_word_count", new Scenario(b -> {
            b.<String, String>stream("text-lines")
                .flatMapValues(v -> Arrays.asList(v.toLowerCase().split("\\W+")))
                .filter((k, w) -> !w.isEmpty())
                .groupBy((k, w) -> w)
                .count(Materialized.as("counts-store"))
                .toStream()
                .to("word-counts", Produced.with(S, L));
        }).out("word-counts", S.deserializer(), L.deserializer()));

        SCENARIOS.put("example_windowed", new Scenario(b -> {
            b.<String, String>stream("clicks")
                .groupByKey()
                .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMinutes(1), Duration.ofSeconds(10)))
                .count(Materialized.<String, Long, WindowStore<Bytes, byte[]>>as("clicks-per-minute-store")
                    .withKeySerde(S).withValueSerde(L))
                .suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()))
                .toStream()
                .map((wk, c) -> KeyValue.pair(wk.key() + "@" + wk.window().start(), c))
                .to("clicks-per-minute", Produced.with(S, L));
        }).out("clicks-per-minute", S.deserializer(), L.deserializer()));

        SCENARIOS.put("example_join", new Scenario(b -> {
            KTable<String, String> customers = b.table("customers");
            b.<String, String>stream("orders")
                .leftJoin(customers, (order, name) -> order + " for " + (name == null ? "unknown" : name))
                .mapValues(v -> v.toUpperCase())
                .to("enriched-orders");
        }).out("enriched-orders"));

        SCENARIOS.put("cogroup", new Scenario(b -> {
            KGroupedStream<String, String> g1 = b.<String, String>stream("in1").groupByKey();
            KGroupedStream<String, String> g2 = b.<String, String>stream("in2").groupByKey();
            g1.cogroup((String k, String v, String agg) -> agg + "1" + v)
                .cogroup(g2, (k, v, agg) -> agg + "2" + v)
                .aggregate(() -> "")
                .toStream()
                .to("out");
        }).out("out"));

        SCENARIOS.put("cogroup_rekey", new Scenario(b -> {
            KGroupedStream<String, String> g1 = b.<String, String>stream("in1").selectKey((k, v) -> v).groupByKey();
            KGroupedStream<String, String> g2 = b.<String, String>stream("in2").groupByKey();
            KGroupedStream<String, String> g3 = b.<String, String>stream("in3").groupBy((k, v) -> v, Grouped.as("third"));
            g1.cogroup((String k, String v, String agg) -> agg + "1" + v)
                .cogroup(g2, (k, v, agg) -> agg + "2" + v)
                .cogroup(g3, (k, v, agg) -> agg + "3" + k)
                .aggregate(() -> "")
                .toStream()
                .to("out");
        }).out("out"));

        SCENARIOS.put("cached_windowed", new Scenario(b -> {
            KGroupedStream<String, String> g = b.<String, String>stream("in")
                .flatMapValues(v -> Arrays.asList(v.split(" ")))
                .groupByKey();
            g.windowedBy(TimeWindows.ofSizeWithNoGrace(Duration.ofMillis(10)).advanceBy(Duration.ofMillis(5)))
                .count()
                .toStream()
                .to("out", Produced.with(WindowedSerdes.timeWindowedSerdeFrom(String.class, 10), L));
            g.windowedBy(SlidingWindows.ofTimeDifferenceWithNoGrace(Duration.ofMillis(10)))
                .count()
                .toStream()
                .to("out-sliding", Produced.with(WindowedSerdes.timeWindowedSerdeFrom(String.class, 10), L));
        }).out("out", timeWindowed(10), L.deserializer()).out("out-sliding", timeWindowed(10), L.deserializer()));

        SCENARIOS.put("cached_session", new Scenario(b -> {
            b.<String, String>stream("in")
                .flatMapValues(v -> Arrays.asList(v.split(" ")))
                .groupByKey()
                .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(Duration.ofMillis(10)))
                .count()
                .toStream()
                .to("out", Produced.with(WindowedSerdes.sessionWindowedSerdeFrom(String.class), L));
        }).out("out", sessionWindowed(), L.deserializer()));

        SCENARIOS.put("sliding_count", new Scenario(b -> {
            b.<String, String>stream("in")
                .groupByKey()
                .windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(Duration.ofMillis(10), Duration.ofMillis(5)))
                .count()
                .toStream()
                .to("out", Produced.with(WindowedSerdes.timeWindowedSerdeFrom(String.class, 10), L));
        }).out("out", timeWindowed(10), L.deserializer()));

        SCENARIOS.put("sliding_aggregate", new Scenario(b -> {
            b.<String, String>stream("in")
                .groupByKey()
                .windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(Duration.ofMillis(10), Duration.ofMillis(20)))
                .aggregate(() -> "", (k, v, agg) -> agg + v,
                    Materialized.<String, String, WindowStore<Bytes, byte[]>>as("slide-store"))
                .toStream()
                .to("out", Produced.with(WindowedSerdes.timeWindowedSerdeFrom(String.class, 10), S));
        }).out("out", timeWindowed(10), S.deserializer()).raw("-changelog"));

        SCENARIOS.put("emit_final", new Scenario(b -> {
            b.<String, String>stream("in")
                .groupByKey()
                .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMillis(10), Duration.ofMillis(0)))
                .emitStrategy(EmitStrategy.onWindowClose())
                .count()
                .toStream()
                .to("out", Produced.with(WindowedSerdes.timeWindowedSerdeFrom(String.class, 10), L));
        }).out("out", timeWindowed(10), L.deserializer()));

        SCENARIOS.put("stream_stream_outer", new Scenario(b -> {
            KStream<String, String> l = b.stream("left");
            KStream<String, String> r = b.stream("right");
            JoinWindows w = JoinWindows.ofTimeDifferenceAndGrace(Duration.ofMillis(10), Duration.ofMillis(0));
            l.leftJoin(r, (a, c) -> a + "/" + c, w).to("out-left");
            l.outerJoin(r, (a, c) -> a + "/" + c, w).to("out-outer");
        }).out("out-left").out("out-outer").raw("-changelog"));

        SCENARIOS.put("fk_join", new Scenario(b -> {
            KTable<String, String> orders = b.table("orders");
            KTable<String, String> customers = b.table("customers");
            orders.join(customers, v -> v.split(":")[0], (o, c) -> o + "@" + c).toStream().to("out");
            orders.leftJoin(customers, v -> v.split(":")[0], (o, c) -> o + "@" + c).toStream().to("out-left");
        }).out("out").out("out-left").raw("FK-JOIN"));

        // A named foreign-key join (TableJoined.as): every node, topic and store named after it.
        SCENARIOS.put("fk_join_named", new Scenario(b -> {
            KTable<String, String> orders = b.table("orders");
            KTable<String, String> customers = b.table("customers");
            orders.join(customers, v -> v.split(":")[0], (o, c) -> o + "@" + c, TableJoined.as("by-customer"))
                .toStream().to("out");
            orders.leftJoin(customers, v -> v.split(":")[0], (o, c) -> o + "@" + c).toStream().to("out-left");
        }).out("out").out("out-left").raw("by-customer").raw("FK-JOIN"));

        // ---- joins ----
        SCENARIOS.put("stream_table_join", new Scenario(b -> {
            KStream<String, String> s = b.stream("clicks");
            KTable<String, String> t = b.table("regions");
            s.join(t, (v, r) -> v + "@" + r).to("out-inner");
            s.leftJoin(t, (v, r) -> v + "@" + r).to("out-left");
        }).out("out-inner").out("out-left"));

        SCENARIOS.put("table_table_join", new Scenario(b -> {
            KTable<String, String> l = b.table("left");
            KTable<String, String> r = b.table("right");
            l.join(r, (a, c) -> a + "/" + c).toStream().to("out-inner");
            l.leftJoin(r, (a, c) -> a + "/" + c).toStream().to("out-left");
            l.outerJoin(r, (a, c) -> a + "/" + c).toStream().to("out-outer");
        }).out("out-inner").out("out-left").out("out-outer"));

        // StreamJoined: processor names from withName, store (and changelog) names from the
        // store name, serdes, for inner, left and outer joins and a key-changed side.
        SCENARIOS.put("stream_joined_named", new Scenario(b -> {
            KStream<String, String> l = b.stream("left");
            KStream<String, String> r = b.stream("right");
            JoinWindows w = JoinWindows.ofTimeDifferenceAndGrace(Duration.ofMillis(10), Duration.ofMillis(0));
            l.join(r, (a, c) -> a + "/" + c, w, StreamJoined.with(S, S, S).withName("j").withStoreName("s"))
                .to("out-inner");
            l.leftJoin(r, (a, c) -> a + "/" + c, w, StreamJoined.as("s2")).to("out-left");
            l.outerJoin(r, (a, c) -> a + "/" + c, w, StreamJoined.<String, String, String>with(S, S, S).withName("o"))
                .to("out-outer");
            l.selectKey((k, v) -> v).join(r, (a, c) -> a + "/" + c, w,
                StreamJoined.<String, String, String>as("s3").withName("rj")).to("out-rekey");
        }).out("out-inner").out("out-left").out("out-outer").out("out-rekey").raw("-changelog").raw("-repartition"));

        // StreamJoined with in-memory stores and no changelogs: names as before.
        SCENARIOS.put("stream_joined_in_memory", new Scenario(b -> {
            KStream<String, String> l = b.stream("left");
            KStream<String, String> r = b.stream("right");
            JoinWindows w = JoinWindows.ofTimeDifferenceAndGrace(Duration.ofMillis(10), Duration.ofMillis(0));
            l.outerJoin(r, (a, c) -> a + "/" + c, w,
                StreamJoined.<String, String, String>as("m")
                    .withDslStoreSuppliers(new org.apache.kafka.streams.state.BuiltInDslStoreSuppliers.InMemoryDslStoreSuppliers())
                    .withLoggingDisabled())
                .to("out-outer");
        }).out("out-outer").raw("-changelog"));

        SCENARIOS.put("stream_stream_join", new Scenario(b -> {
            KStream<String, String> l = b.stream("left");
            KStream<String, String> r = b.stream("right");
            JoinWindows w = JoinWindows.ofTimeDifferenceAndGrace(Duration.ofMillis(10), Duration.ofMillis(0));
            l.join(r, (a, c) -> a + "/" + c, w).to("out-inner");
        }).out("out-inner").raw("-changelog"));

        SCENARIOS.put("rekey_join", new Scenario(b -> {
            KTable<String, String> t = b.table("users");
            KStream<String, String> s = b.stream("events");
            s.selectKey((k, v) -> v.split(":")[0]).join(t, (v, u) -> v + "@" + u).to("out");
            s.map((k, v) -> KeyValue.pair(v.split(":")[0], v)).leftJoin(t, (v, u) -> v + "@" + u, Joined.as("named")).to("out2");
        }).out("out").out("out2"));

        SCENARIOS.put("cached_count", new Scenario(b -> {
            b.<String, String>stream("in")
                .flatMapValues(v -> Arrays.asList(v.split(" ")))
                .groupByKey()
                .count()
                .toStream()
                .to("out", Produced.with(S, L));
        }).out("out", S.deserializer(), L.deserializer()));

        // Null keys and values on a stream whose types allow them: aggregations skip a null key
        // or value, a repartition drops null keys.
        SCENARIOS.put("null_keys", new Scenario(b -> {
            KStream<String, String> s = b.stream("in");
            s.groupByKey().count().toStream().to("out-count", Produced.with(S, L));
            s.groupByKey().reduce((a, c) -> a + "+" + c).toStream().to("out-reduce");
            s.selectKey((k, v) -> v == null || v.startsWith("n") ? null : v)
                .groupByKey()
                .count()
                .toStream()
                .to("out-rekey", Produced.with(S, L));
            s.to("out-through");
            // Joins drop a null value, and a null key unless they are left joins.
            KTable<String, String> t = b.table("tin");
            s.join(t, (v, tv) -> v + "@" + tv).to("out-join");
            s.leftJoin(t, (v, tv) -> v + "@" + tv).to("out-left");
            GlobalKTable<String, String> g = b.globalTable("gin");
            s.join(g, (k, v) -> k, (v, gv) -> v + "@" + gv).to("out-gjoin");
            s.leftJoin(g, (k, v) -> k, (v, gv) -> v + "@" + gv).to("out-gleft");
            // Stream-stream joins drop them too, except that an outer side joins a null key
            // with nothing at once.
            KStream<String, String> r = b.stream("in2");
            JoinWindows w = JoinWindows.ofTimeDifferenceAndGrace(Duration.ofMillis(5), Duration.ofMillis(0));
            s.join(r, (a, c) -> a + "/" + c, w).to("out-ss");
            s.leftJoin(r, (a, c) -> a + "/" + c, w).to("out-ssleft");
            s.outerJoin(r, (a, c) -> a + "/" + c, w).to("out-ssouter");
            // Windowed aggregations skip null keys only (a null value is counted).
            KGroupedStream<String, String> g2 = s.groupByKey();
            g2.windowedBy(TimeWindows.ofSizeWithNoGrace(Duration.ofMillis(10))).count().toStream()
                .to("out-win", Produced.with(WindowedSerdes.timeWindowedSerdeFrom(String.class, 10), L));
            g2.windowedBy(SessionWindows.ofInactivityGapWithNoGrace(Duration.ofMillis(3))).count().toStream()
                .to("out-sess", Produced.with(WindowedSerdes.sessionWindowedSerdeFrom(String.class), L));
            g2.windowedBy(SlidingWindows.ofTimeDifferenceWithNoGrace(Duration.ofMillis(4))).count().toStream()
                .to("out-slide", Produced.with(WindowedSerdes.timeWindowedSerdeFrom(String.class, 4), L));
        }).out("out-count", S.deserializer(), L.deserializer()).out("out-reduce")
            .out("out-rekey", S.deserializer(), L.deserializer()).out("out-through")
            .out("out-join").out("out-left").out("out-gjoin").out("out-gleft")
            .out("out-ss").out("out-ssleft").out("out-ssouter")
            .out("out-win", timeWindowed(10), L.deserializer())
            .out("out-sess", sessionWindowed(), L.deserializer())
            .out("out-slide", timeWindowed(4), L.deserializer()));

        SCENARIOS.put("global_join", new Scenario(b -> {
            GlobalKTable<String, String> g = b.globalTable("users");
            b.<String, String>stream("orders")
                .join(g, (k, v) -> v.split(":")[0], (v, u) -> v + "@" + u)
                .to("out");
        }).out("out"));
    }

    static String show(Object o) {
        return o == null ? "null" : o.toString();
    }

    static String win(Windowed<String> k) {
        return "[" + k.key() + "@" + k.window().start() + "/" + k.window().end() + "]";
    }

    /** Reads the stores of the store_* scenarios: windows "win"/"mem-win", sessions "sess"/"mem-sess". */
    static List<String> probeStores(TopologyTestDriver d) {
        List<String> out = new ArrayList<>();
        for (String name : List.of("win", "mem-win")) {
            WindowStore<String, org.apache.kafka.streams.state.ValueAndTimestamp<Long>> s =
                d.getTimestampedWindowStore(name);
            try (var it = s.all()) {
                it.forEachRemaining(kv -> out.add(name + " all " + win(kv.key) + "=" + kv.value.value()));
            }
            try (var it = s.fetchAll(0L, Long.MAX_VALUE)) {
                it.forEachRemaining(kv -> out.add(name + " fetchAll " + win(kv.key) + "=" + kv.value.value()));
            }
            for (String k : List.of("a", "b")) {
                try (var it = s.fetch(k, 0L, Long.MAX_VALUE)) {
                    it.forEachRemaining(kv -> out.add(name + " fetch " + k + " " + kv.key + "=" + kv.value.value()));
                }
                for (long t = 0; t <= 60_100; t += 10) {
                    var v = s.fetch(k, t);
                    if (v != null) {
                        out.add(name + " get " + k + "@" + t + "=" + v.value());
                    }
                }
            }
        }
        for (String name : List.of("sess", "mem-sess")) {
            SessionStore<String, Long> s = d.getSessionStore(name);
            for (String k : List.of("a", "b")) {
                try (var it = s.fetch(k)) {
                    it.forEachRemaining(kv -> out.add(name + " fetch " + k + " " + win(kv.key) + "=" + kv.value));
                }
                try (var it = s.findSessions(k, 0L, Long.MAX_VALUE)) {
                    it.forEachRemaining(kv -> out.add(name + " find " + k + " " + win(kv.key) + "=" + kv.value));
                }
            }
        }
        return out;
    }

    /** Headers as key=hex pairs joined by commas; empty when there are none. */
    static String headers(org.apache.kafka.common.header.Headers hs) {
        StringBuilder s = new StringBuilder();
        for (org.apache.kafka.common.header.Header h : hs) {
            if (s.length() > 0) {
                s.append(',');
            }
            s.append(h.key()).append('=').append(hex(h.value()));
        }
        return s.toString();
    }

    static String hex(byte[] b) {
        if (b == null) {
            return "null";
        }
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            s.append(String.format("%02x", x));
        }
        return s.toString();
    }

    /** The program of the optimize_* scenarios. */
    static void optimizable(StreamsBuilder b) {
        KStream<String, String> k = b.<String, String>stream("in").selectKey((key, v) -> v.split(":")[0]);
        k.groupByKey().count(Materialized.with(S, L)).toStream().to("out-count", Produced.with(S, L));
        k.filter((key, v) -> !v.endsWith("x")).groupByKey().reduce((a, c) -> a + "+" + c).toStream().to("out-reduce");
        KTable<String, String> t = b.table("tin");
        k.join(t, (v, tv) -> v + "@" + tv).to("out-join");
        k.mapValues(v -> v + "!").groupByKey().count(Materialized.with(S, L)).toStream().to("out-mv", Produced.with(S, L));
        KStream<String, String> s2 = b.stream("in2");
        JoinWindows w = JoinWindows.ofTimeDifferenceAndGrace(Duration.ofMillis(10), Duration.ofMillis(0));
        s2.join(s2, (a, c) -> a + "/" + c, w).to("out-self");
        KStream<String, String> s3 = b.stream("in3");
        s3.leftJoin(s3, (a, c) -> a + "/" + c, w).to("out-self-left");
    }

    public static void main(String[] args) throws Exception {
        // Scenario classes of their own (tests/java/*Scenarios.java, named after the first
        // argument) register into SCENARIOS when loaded.
        for (int i = 1; i < args.length; i++) {
            Class.forName(args[i]);
        }
        List<String> lines = Files.readAllLines(Path.of(args[0]));
        // Stores under a directory of this run's own: test binaries (and engineers) running the
        // harness at once would otherwise share /tmp/kafka-streams/dsl-test and fail on each
        // other's RocksDB locks and files.
        Path stateDir = Files.createTempDirectory("dsl-expectations-");
        Map<String, List<String[]>> inputs = new LinkedHashMap<>();
        List<String[]> current = null;
        for (String line : lines) {
            if (line.isBlank() || line.startsWith("//")) {
                continue;
            }
            if (line.startsWith("#scenario ")) {
                current = new ArrayList<>();
                inputs.put(line.substring("#scenario ".length()).trim(), current);
                continue;
            }
            current.add(line.split("\\|", -1));
        }
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, List<String[]>> e : inputs.entrySet()) {
            // "<scenario>~r<seed>" is a random variant's input for the same program.
            Scenario sc = SCENARIOS.get(e.getKey().split("~")[0]);
            if (sc == null) {
                throw new IllegalArgumentException("unknown scenario " + e.getKey());
            }
            StreamsBuilder builder = new StreamsBuilder();
            sc.build.accept(builder);
            Topology topology = builder.build(sc.buildProps);
            out.append("#scenario ").append(e.getKey()).append('\n');
            out.append("#describe\n").append(topology.describe().toString());
            if (out.charAt(out.length() - 1) != '\n') {
                out.append('\n');
            }
            Properties props = new Properties();
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, "dsl-test");
            props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
            props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
            props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
            try (TopologyTestDriver driver = new TopologyTestDriver(topology, props)) {
                Map<String, TestInputTopic<String, String>> ins = new LinkedHashMap<>();
                for (String[] r : e.getValue()) {
                    TestInputTopic<String, String> in = ins.computeIfAbsent(r[0],
                        t -> driver.createInputTopic(t, new StringSerializer(), new StringSerializer()));
                    String key = r[1].equals("null") ? null : r[1];
                    String value = r[2].equals("null") ? null : r[2];
                    org.apache.kafka.common.header.internals.RecordHeaders hs =
                        new org.apache.kafka.common.header.internals.RecordHeaders();
                    if (r.length > 4 && !r[4].isEmpty()) {
                        for (String h : r[4].split(",")) {
                            String[] kv = h.split("=", 2);
                            hs.add(kv[0], kv[1].getBytes(java.nio.charset.StandardCharsets.UTF_8));
                        }
                    }
                    in.pipeInput(new org.apache.kafka.streams.test.TestRecord<>(key, value, hs,
                        java.time.Instant.ofEpochMilli(Long.parseLong(r[3]))));
                }
                for (Map.Entry<String, Deserializer<?>[]> o : sc.outputs.entrySet()) {
                    @SuppressWarnings("unchecked")
                    TestOutputTopic<Object, Object> topic = driver.createOutputTopic(o.getKey(),
                        (Deserializer<Object>) o.getValue()[0], (Deserializer<Object>) o.getValue()[1]);
                    out.append("#output ").append(o.getKey()).append('\n');
                    for (var rec : topic.readRecordsToList()) {
                        out.append(show(rec.key())).append('|').append(show(rec.value())).append('|')
                            .append(rec.timestamp()).append('|').append(headers(rec.headers())).append('\n');
                    }
                }
                if (sc.probe != null) {
                    out.append("#probe\n");
                    for (String l : sc.probe.apply(driver)) {
                        out.append(l).append('\n');
                    }
                }
                for (String t : new java.util.TreeSet<>(driver.producedTopicNames())) {
                    if (sc.raw.stream().noneMatch(t::contains)) {
                        continue;
                    }
                    TestOutputTopic<byte[], byte[]> topic = driver.createOutputTopic(t,
                        new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                        new org.apache.kafka.common.serialization.ByteArrayDeserializer());
                    out.append("#raw ").append(t).append('\n');
                    for (var rec : topic.readRecordsToList()) {
                        out.append(hex(rec.key())).append('|').append(hex(rec.value())).append('|')
                            .append(rec.timestamp()).append('|').append(headers(rec.headers())).append('\n');
                    }
                }
            }
            out.append("#end\n");
        }
        System.out.print(out);
        try (var paths = Files.walk(stateDir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Puts each record into the global store "rates". */
    static final class GlobalPut implements Processor<String, String, Void, Void> {
        private KeyValueStore<String, String> store;

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            store = context.getStateStore("rates");
        }

        @Override
        public void process(Record<String, String> r) {
            store.put(r.key(), r.value());
        }
    }

    /** Puts each record into the global store "rates2". */
    static final class GlobalPut2 implements Processor<String, String, Void, Void> {
        private KeyValueStore<String, String> store;

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            store = context.getStateStore("rates2");
        }

        @Override
        public void process(Record<String, String> r) {
            store.put(r.key(), r.value());
        }
    }
}
