import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.Set;

import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.EmitStrategy;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KGroupedStream;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.SessionWindows;
import org.apache.kafka.streams.kstream.SlidingWindows;
import org.apache.kafka.streams.kstream.Suppressed;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.kstream.internals.SessionWindow;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.SessionStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Kafka Streams' TopologyTestDriver metrics, for comparison with ours (streams_metrics test).
 *
 * <pre>
 * StreamsMetricsPeer LEVEL forward [key=value streams properties...]
 *   runs source "src" (String keys, Long values, topic "in") -> processor "proc" (gets, puts and
 *   reads all of the cached in-memory store "seen", then forwards; punctuates every 10 ms of stream
 *   time and every 1000 ms of wall-clock time) -> sink "sink" (topic "out")
 *   with metrics.recording.level=LEVEL, LogAndContinueExceptionHandler and the mock clock at 0:
 *   pipes k0..k4 with values 0..4 at 0, 7, 14, 21, 28 ms, then key "x" with value bytes "abc" (not a
 *   Long: dropped) at 50 ms, advances the wall clock by 2500 ms, and prints every metric of the
 *   stream-* groups (PeerMetrics.table), then the line "closed" and those groups again after
 *   closing the driver.
 * StreamsMetricsPeer LEVEL idle [key=value streams properties...]
 *   runs sources "a" (topic "left") and "b" (topic "right") -> sink "sink" (topic "out") with
 *   max.task.idle.ms=100: pipes one record to "left" at 5 ms, advances the wall clock by 100 ms,
 *   and prints the metrics as above (no "closed" part).
 * StreamsMetricsPeer LEVEL global [key=value streams properties...]
 *   adds to source "src" (topic "in") -> sink "sink" (topic "out") a global in-memory store "g"
 *   (logging disabled) fed from topic "gtopic" by source "gsrc" and processor "gproc"; pipes key
 *   "k", value 1 at 3 ms to "gtopic" and then to "in", and prints the metrics as above.
 * </pre>
 * StreamsMetricsPeer LEVEL stores [key=value streams properties...]
 *   runs source "src" (topic "in") -> processors "win" (in-memory window store "w": retention 1 min,
 *   10 s windows; fetches the record's key at window 0, puts it there, fetches its windows 0..100)
 *   and "ses" (in-memory session store "s": retention 1 min; finds the key's sessions ending from 0
 *   to the record's time, puts a session of the record alone); pipes k0, k1, k0, k1 with values
 *   0..3 at 0, 7, 14, 21 ms, advances the wall clock by 2500 ms and prints the metrics as above.
 * StreamsMetricsPeer LEVEL cachedstores [key=value streams properties...]
 *   as stores, with caching enabled on both stores.
 * StreamsMetricsPeer LEVEL dsl [key=value streams properties...]
 *   the DSL operators that record metrics of their own, on topic "in" (String keys, Long values)
 *   grouped by key: a 100 ms window count with 10 ms grace emitting final results (in-memory
 *   store "final"), a session count with a 50 ms gap (in-memory store "sessions"), a sliding
 *   count with a 20 ms difference (in-memory store "sliding"), and a count (in-memory store
 *   "counts") suppressed for 30 ms in a buffer of at most 100 records, each ending in foreach;
 *   then a table of topic "tin" (in-memory store "t") joined by the stream and joined with its
 *   own doubled values; pipes k1=5 and k2=7 to "tin" at 0 ms, then to "in" k1 at 0 and 50 ms,
 *   k2 at 120 ms, k1 at 30 ms (late for all three windows), k2 at 300 ms, then to "tin" k1=5
 *   again at 310 ms and a delete of k2 at 320 ms, advances the wall clock by 2500 ms and prints
 *   the metrics as above.
 * Exit status 0 on success; 2 on bad arguments.
 */
public final class StreamsMetricsPeer {
    private static final Set<String> GROUPS = Set.of(
            "kafka-metrics-count", "stream-thread-metrics", "stream-task-metrics", "stream-processor-node-metrics",
            "stream-topic-metrics", "stream-state-metrics", "stream-record-cache-metrics");

    public static void main(String[] args) throws Exception {
        if (args.length < 2
                || !Set.of("forward", "idle", "global", "stores", "cachedstores", "dsl").contains(args[1])) {
            System.err.println("usage: StreamsMetricsPeer LEVEL forward|idle|global|stores|cachedstores|dsl [k=v...]");
            System.exit(2);
        }
        if (args[1].equals("dsl")) {
            dsl(args);
            return;
        }
        if (args[1].equals("idle")) {
            idle(args);
            return;
        }
        if (args[1].equals("global")) {
            global(args);
            return;
        }
        if (args[1].equals("stores") || args[1].equals("cachedstores")) {
            stores(args, args[1].equals("cachedstores"));
            return;
        }
        Topology t = new Topology();
        t.addSource("src", Serdes.String().deserializer(), Serdes.Long().deserializer(), "in");
        t.addProcessor("proc", Forward::new, "src");
        t.addStateStore(
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("seen"), Serdes.String(), Serdes.Long())
                        .withCachingEnabled(),
                "proc");
        t.addSink("sink", "out", Serdes.String().serializer(), Serdes.Long().serializer(), "proc");
        Properties props = new Properties();
        props.put("application.id", "app");
        props.put("metrics.recording.level", args[0]);
        props.put("deserialization.exception.handler", LogAndContinueExceptionHandler.class.getName());
        PeerMetrics.setProperties(props, args, 2);
        TopologyTestDriver d = new TopologyTestDriver(t, props, Instant.ofEpochMilli(0));
        TestInputTopic<String, Long> in =
                d.createInputTopic("in", Serdes.String().serializer(), Serdes.Long().serializer());
        for (long i = 0; i < 5; i++) {
            // k2 carries a header, which Java's cache counts in its entry sizes.
            org.apache.kafka.common.header.internals.RecordHeaders headers =
                new org.apache.kafka.common.header.internals.RecordHeaders();
            if (i == 2) {
                headers.add("h\u00e9", "vv".getBytes(StandardCharsets.UTF_8));
            }
            in.pipeInput(new org.apache.kafka.streams.test.TestRecord<>("k" + i, i, headers,
                Instant.ofEpochMilli(i * 7)));
        }
        TestInputTopic<byte[], byte[]> raw =
                d.createInputTopic("in", new ByteArraySerializer(), new ByteArraySerializer());
        raw.pipeInput("x".getBytes(StandardCharsets.UTF_8), "abc".getBytes(StandardCharsets.UTF_8),
                Instant.ofEpochMilli(50));
        d.advanceWallClockTime(Duration.ofMillis(2500));
        StringBuilder out = new StringBuilder(PeerMetrics.table(d.metrics(), GROUPS));
        java.util.Map<org.apache.kafka.common.MetricName, ? extends org.apache.kafka.common.Metric> live =
                d.metrics();
        d.close();
        out.append("closed\n").append(PeerMetrics.table(live, GROUPS));
        System.out.print(out);
    }

    private static void idle(String[] args) {
        Topology t = new Topology();
        t.addSource("a", Serdes.String().deserializer(), Serdes.Long().deserializer(), "left");
        t.addSource("b", Serdes.String().deserializer(), Serdes.Long().deserializer(), "right");
        t.addSink("sink", "out", Serdes.String().serializer(), Serdes.Long().serializer(), "a", "b");
        Properties props = new Properties();
        props.put("application.id", "app");
        props.put("metrics.recording.level", args[0]);
        props.put("max.task.idle.ms", "100");
        PeerMetrics.setProperties(props, args, 2);
        try (TopologyTestDriver d = new TopologyTestDriver(t, props, Instant.ofEpochMilli(0))) {
            d.createInputTopic("left", Serdes.String().serializer(), Serdes.Long().serializer())
                    .pipeInput("k", 1L, Instant.ofEpochMilli(5));
            d.advanceWallClockTime(Duration.ofMillis(100));
            System.out.print(PeerMetrics.table(d.metrics(), GROUPS));
        }
    }

    private static void global(String[] args) {
        Topology t = new Topology();
        t.addGlobalStore(
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("g"), Serdes.String(), Serdes.Long())
                        .withLoggingDisabled(),
                "gsrc", Serdes.String().deserializer(), Serdes.Long().deserializer(), "gtopic", "gproc",
                GlobalPut::new);
        t.addSource("src", Serdes.String().deserializer(), Serdes.Long().deserializer(), "in");
        t.addSink("sink", "out", Serdes.String().serializer(), Serdes.Long().serializer(), "src");
        Properties props = new Properties();
        props.put("application.id", "app");
        props.put("metrics.recording.level", args[0]);
        PeerMetrics.setProperties(props, args, 2);
        try (TopologyTestDriver d = new TopologyTestDriver(t, props, Instant.ofEpochMilli(0))) {
            d.createInputTopic("gtopic", Serdes.String().serializer(), Serdes.Long().serializer())
                    .pipeInput("k", 1L, Instant.ofEpochMilli(3));
            d.createInputTopic("in", Serdes.String().serializer(), Serdes.Long().serializer())
                    .pipeInput("k", 1L, Instant.ofEpochMilli(3));
            System.out.print(PeerMetrics.table(d.metrics(), GROUPS));
        }
    }

    private static void stores(String[] args, boolean cached) {
        Topology t = new Topology();
        t.addSource("src", Serdes.String().deserializer(), Serdes.Long().deserializer(), "in");
        t.addProcessor("win", WindowOps::new, "src");
        t.addProcessor("ses", SessionOps::new, "src");
        StoreBuilder<WindowStore<String, Long>> window = Stores.windowStoreBuilder(
                Stores.inMemoryWindowStore("w", Duration.ofMinutes(1), Duration.ofSeconds(10), false),
                Serdes.String(), Serdes.Long());
        StoreBuilder<SessionStore<String, Long>> session = Stores.sessionStoreBuilder(
                Stores.inMemorySessionStore("s", Duration.ofMinutes(1)), Serdes.String(), Serdes.Long());
        if (cached) {
            window = window.withCachingEnabled();
            session = session.withCachingEnabled();
        }
        t.addStateStore(window, "win");
        t.addStateStore(session, "ses");
        Properties props = new Properties();
        props.put("application.id", "app");
        props.put("metrics.recording.level", args[0]);
        PeerMetrics.setProperties(props, args, 2);
        try (TopologyTestDriver d = new TopologyTestDriver(t, props, Instant.ofEpochMilli(0))) {
            TestInputTopic<String, Long> in =
                    d.createInputTopic("in", Serdes.String().serializer(), Serdes.Long().serializer());
            for (long i = 0; i < 4; i++) {
                in.pipeInput("k" + (i % 2), i, Instant.ofEpochMilli(i * 7));
            }
            d.advanceWallClockTime(Duration.ofMillis(2500));
            System.out.print(PeerMetrics.table(d.metrics(), GROUPS));
        }
    }

    private static final class WindowOps implements Processor<String, Long, Void, Void> {
        private WindowStore<String, Long> store;

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            store = context.getStateStore("w");
        }

        @Override
        public void process(Record<String, Long> r) {
            store.fetch(r.key(), 0L);
            store.put(r.key(), r.value(), 0L);
            try (WindowStoreIterator<Long> it =
                    store.fetch(r.key(), Instant.ofEpochMilli(0), Instant.ofEpochMilli(100))) {
                while (it.hasNext()) {
                    it.next();
                }
            }
        }
    }

    private static final class SessionOps implements Processor<String, Long, Void, Void> {
        private SessionStore<String, Long> store;

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            store = context.getStateStore("s");
        }

        @Override
        public void process(Record<String, Long> r) {
            try (KeyValueIterator<Windowed<String>, Long> it = store.findSessions(r.key(), 0, r.timestamp())) {
                while (it.hasNext()) {
                    it.next();
                }
            }
            store.put(new Windowed<>(r.key(), new SessionWindow(r.timestamp(), r.timestamp())), r.value());
        }
    }

    private static void dsl(String[] args) {
        StreamsBuilder b = new StreamsBuilder();
        KStream<String, Long> stream = b.stream("in", Consumed.with(Serdes.String(), Serdes.Long()));
        KGroupedStream<String, Long> g = stream.groupByKey(Grouped.with(Serdes.String(), Serdes.Long()));
        g.windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMillis(100), Duration.ofMillis(10)))
                .emitStrategy(EmitStrategy.onWindowClose())
                .count(Materialized.<String, Long>as(
                        Stores.inMemoryWindowStore("final", Duration.ofMinutes(1), Duration.ofMillis(100), false))
                        .withKeySerde(Serdes.String()).withValueSerde(Serdes.Long()))
                .toStream().foreach((k, v) -> { });
        g.windowedBy(SessionWindows.ofInactivityGapWithNoGrace(Duration.ofMillis(50)))
                .aggregate(() -> 0L, (k, v, a) -> a + 1, (k, a1, a2) -> a1 + a2,
                        Materialized.<String, Long>as(Stores.inMemorySessionStore("sessions", Duration.ofMinutes(1)))
                        .withKeySerde(Serdes.String()).withValueSerde(Serdes.Long()))
                .toStream().foreach((k, v) -> { });
        g.windowedBy(SlidingWindows.ofTimeDifferenceWithNoGrace(Duration.ofMillis(20)))
                .aggregate(() -> 0L, (k, v, a) -> a + 1,
                        Materialized.<String, Long>as(
                        Stores.inMemoryWindowStore("sliding", Duration.ofMinutes(1), Duration.ofMillis(20), false))
                        .withKeySerde(Serdes.String()).withValueSerde(Serdes.Long()))
                .toStream().foreach((k, v) -> { });
        g.count(Materialized.<String, Long>as(Stores.inMemoryKeyValueStore("counts"))
                        .withKeySerde(Serdes.String()).withValueSerde(Serdes.Long()))
                .suppress(Suppressed.untilTimeLimit(Duration.ofMillis(30),
                        Suppressed.BufferConfig.maxRecords(100).emitEarlyWhenFull()))
                .toStream().foreach((k, v) -> { });
        KTable<String, Long> table = b.table("tin", Consumed.with(Serdes.String(), Serdes.Long()),
                Materialized.<String, Long>as(Stores.inMemoryKeyValueStore("t"))
                        .withKeySerde(Serdes.String()).withValueSerde(Serdes.Long()));
        stream.join(table, (v, t) -> v + t).foreach((k, v) -> { });
        table.join(table.mapValues(v -> v * 2), (a, c) -> a + c).toStream().foreach((k, v) -> { });
        Properties props = new Properties();
        props.put("application.id", "app");
        props.put("metrics.recording.level", args[0]);
        PeerMetrics.setProperties(props, args, 2);
        try (TopologyTestDriver d = new TopologyTestDriver(b.build(), props, Instant.ofEpochMilli(0))) {
            TestInputTopic<String, Long> in =
                    d.createInputTopic("in", Serdes.String().serializer(), Serdes.Long().serializer());
            TestInputTopic<String, Long> tin =
                    d.createInputTopic("tin", Serdes.String().serializer(), Serdes.Long().serializer());
            tin.pipeInput("k1", 5L, Instant.ofEpochMilli(0));
            tin.pipeInput("k2", 7L, Instant.ofEpochMilli(0));
            long[][] inputs = {{1, 0}, {1, 50}, {2, 120}, {1, 30}, {2, 300}};
            for (long[] i : inputs) {
                in.pipeInput("k" + i[0], 1L, Instant.ofEpochMilli(i[1]));
            }
            tin.pipeInput("k1", 5L, Instant.ofEpochMilli(310));
            tin.pipeInput("k2", null, Instant.ofEpochMilli(320));
            d.advanceWallClockTime(Duration.ofMillis(2500));
            System.out.print(PeerMetrics.table(d.metrics(), GROUPS));
        }
    }

    private static final class GlobalPut implements Processor<String, Long, Void, Void> {
        private KeyValueStore<String, Long> store;

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            store = context.getStateStore("g");
        }

        @Override
        public void process(Record<String, Long> r) {
            store.put(r.key(), r.value());
        }
    }

    private static final class Forward implements Processor<String, Long, String, Long> {
        private ProcessorContext<String, Long> ctx;
        private KeyValueStore<String, Long> seen;

        @Override
        public void init(ProcessorContext<String, Long> context) {
            ctx = context;
            seen = context.getStateStore("seen");
            context.schedule(Duration.ofMillis(10), PunctuationType.STREAM_TIME, ts -> { });
            context.schedule(Duration.ofMillis(1000), PunctuationType.WALL_CLOCK_TIME, ts -> { });
        }

        @Override
        public void process(Record<String, Long> r) {
            seen.get(r.key());
            seen.put(r.key(), r.value());
            try (KeyValueIterator<String, Long> all = seen.all()) {
                while (all.hasNext()) {
                    all.next();
                }
            }
            ctx.forward(r);
        }
    }
}
