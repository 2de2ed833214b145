import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.internals.Change;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.internals.InternalProcessorContext;
import org.apache.kafka.streams.processor.internals.ProcessorNode;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

/**
 * The Java side of `ttd-bench` (integration-tests/src/bin/ttd-bench.rs): streams-core's word count
 * bench (streams-core/benches/word_count.rs) on Kafka's own TopologyTestDriver.
 *
 * <p>Usage: {@code TtdWordCount <mode> <warm-up passes> <timed passes>}. Every pass pipes the
 * same 20,000 lines (5 words each from a 2,000-word vocabulary, the bench's xorshift) through a
 * fresh driver: source "text" -> "count" (get + put per word on a persistent RocksDB key-value
 * store "counts", caching and change-logging on) -> "new" (the new value of a Change) -> sink
 * "counts" (String/Long). The driver processes, punctuates and commits (cache flush) after each
 * line. The output topics are read every 1,000 lines so memory does not grow.
 *
 * <p>Modes, i.e. how "count" feeds "new":
 * <ul>
 *   <li>{@code flush-old}: cache flushes are forwarded as {@code Change(new, old)}, through the
 *       store's flush listener (an internal hook, {@code WrappedStateStore.setFlushListener},
 *       the one the DSL's KTable aggregations use) with old values. Same records and semantics as
 *       our {@code forward_cache_flushes}.
 *   <li>{@code flush}: the same without old values ({@code sendOldValues=false}); Java then skips
 *       a RocksDB read per flushed entry.
 *   <li>{@code process}: public API only: process() forwards {@code Change(n, null)} per word,
 *       so every word (100,000 per pass) reaches the sink, not one record per changed key per
 *       commit.
 * </ul>
 *
 * <p>Prints {@code checksum <fnv1a-64 of the lines joined by '\n'>}, then one line per pass:
 * {@code pass <i> <warm|timed> <wall ns> <thread cpu ns> <process cpu ns> <gc ms> <sink records>
 * <changelog records>}, then {@code store <keys> <sum of counts>} from the first pass.
 */
public final class TtdWordCount {
    static final int LINES = 20_000;

    /** The bench's input: the same xorshift64 (13, 7, 17) and seed as word_count.rs. */
    static List<String> lines() {
        long x = 0x2545F4914F6CDD1DL;
        List<String> out = new ArrayList<>(LINES);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < LINES; i++) {
            sb.setLength(0);
            for (int w = 0; w < 5; w++) {
                x ^= x << 13;
                x ^= x >>> 7;
                x ^= x << 17;
                if (w > 0) {
                    sb.append(' ');
                }
                sb.append('w').append(Long.remainderUnsigned(x, 2_000));
            }
            out.add(sb.toString());
        }
        return out;
    }

    /** FNV-1a 64 over the lines' UTF-8 bytes, each followed by '\n'. */
    static long checksum(List<String> lines) {
        long h = 0xcbf29ce484222325L;
        for (String l : lines) {
            for (byte b : l.getBytes(StandardCharsets.UTF_8)) {
                h ^= b & 0xff;
                h *= 0x100000001b3L;
            }
            h ^= '\n';
            h *= 0x100000001b3L;
        }
        return h;
    }

    static final class Count implements Processor<String, String, String, Change<Long>> {
        private final String mode;
        private KeyValueStore<String, Long> store;
        private ProcessorContext<String, Change<Long>> context;

        Count(String mode) {
            this.mode = mode;
        }

        @Override
        @SuppressWarnings({"unchecked", "rawtypes"})
        public void init(ProcessorContext<String, Change<Long>> context) {
            this.context = context;
            this.store = context.getStateStore("counts");
            if (mode.equals("process")) {
                return;
            }
            // As the DSL's TimestampedCacheFlushListener does: forward from this node.
            InternalProcessorContext<String, Change<Long>> internal =
                (InternalProcessorContext<String, Change<Long>>) context;
            ProcessorNode<?, ?, ?, ?> self = internal.currentNode();
            boolean cached = ((WrappedStateStore) store).setFlushListener(
                (org.apache.kafka.streams.state.internals.CacheFlushListener<String, Long>) rec -> {
                    ProcessorNode<?, ?, ?, ?> prev = internal.currentNode();
                    internal.setCurrentNode(self);
                    try {
                        internal.forward(rec);
                    } finally {
                        internal.setCurrentNode(prev);
                    }
                },
                mode.equals("flush-old"));
            if (!cached) {
                throw new IllegalStateException("store \"counts\" has no cache");
            }
        }

        @Override
        public void process(Record<String, String> r) {
            for (String w : r.value().split(" ")) {
                Long old = store.get(w);
                long n = (old == null ? 0 : old) + 1;
                store.put(w, n);
                if (mode.equals("process")) {
                    context.forward(r.withKey(w).withValue(new Change<>(n, null)));
                }
            }
        }
    }

    static final class NewValue implements Processor<String, Change<Long>, String, Long> {
        private ProcessorContext<String, Long> context;

        @Override
        public void init(ProcessorContext<String, Long> context) {
            this.context = context;
        }

        @Override
        public void process(Record<String, Change<Long>> r) {
            Long n = r.value().newValue;
            context.forward(r.withValue(n == null ? 0L : n));
        }
    }

    static Topology topology(String mode) {
        Topology t = new Topology();
        t.addSource("lines", new StringDeserializer(), new StringDeserializer(), "text");
        t.addProcessor("count", () -> new Count(mode), "lines");
        t.addProcessor("new", NewValue::new, "count");
        t.addStateStore(
            Stores.keyValueStoreBuilder(
                    Stores.persistentKeyValueStore("counts"), Serdes.String(), Serdes.Long())
                .withCachingEnabled()
                .withLoggingEnabled(new java.util.HashMap<>()),
            "count");
        t.addSink("out", "counts", new StringSerializer(), new LongSerializer(), "new");
        return t;
    }

    static long gcMillis() {
        long ms = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ms += Math.max(0, gc.getCollectionTime());
        }
        return ms;
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: TtdWordCount <flush-old|flush|process> <warm-up passes> <timed passes>");
            System.exit(2);
        }
        String mode = args[0];
        if (!mode.equals("flush-old") && !mode.equals("flush") && !mode.equals("process")) {
            System.err.println("unknown mode " + mode + " (flush-old, flush or process)");
            System.exit(2);
        }
        int warm = Integer.parseInt(args[1]);
        int timed = Integer.parseInt(args[2]);
        List<String> input = lines();
        System.out.printf("checksum %016x%n", checksum(input));
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        Topology topology = topology(mode);
        String storeLine = null;
        for (int pass = 0; pass < warm + timed; pass++) {
            Path dir = Files.createTempDirectory("ttd-bench-java-");
            Properties props = new Properties();
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, "wc");
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
            props.put(StreamsConfig.STATE_DIR_CONFIG, dir.toString());
            long sink = 0;
            long changelog = 0;
            long wall;
            long cpu;
            long proc;
            long gc;
            try (TopologyTestDriver d = new TopologyTestDriver(topology, props, Instant.ofEpochMilli(0))) {
                TestInputTopic<String, String> in =
                    d.createInputTopic("text", new StringSerializer(), new StringSerializer());
                TestOutputTopic<byte[], byte[]> out =
                    d.createOutputTopic("counts", new ByteArrayDeserializer(), new ByteArrayDeserializer());
                TestOutputTopic<byte[], byte[]> log = d.createOutputTopic(
                    "wc-counts-changelog", new ByteArrayDeserializer(), new ByteArrayDeserializer());
                long gc0 = gcMillis();
                long proc0 = os.getProcessCpuTime();
                long cpu0 = threads.getCurrentThreadCpuTime();
                long wall0 = System.nanoTime();
                for (int i = 0; i < LINES; i++) {
                    in.pipeInput(null, input.get(i), i);
                    if (i % 1_000 == 999) {
                        sink += out.readRecordsToList().size();
                        changelog += log.readRecordsToList().size();
                    }
                }
                wall = System.nanoTime() - wall0;
                cpu = threads.getCurrentThreadCpuTime() - cpu0;
                proc = os.getProcessCpuTime() - proc0;
                gc = gcMillis() - gc0;
                if (storeLine == null) {
                    KeyValueStore<String, Long> s = d.getKeyValueStore("counts");
                    long keys = 0;
                    long sum = 0;
                    try (KeyValueIterator<String, Long> it = s.all()) {
                        while (it.hasNext()) {
                            KeyValue<String, Long> kv = it.next();
                            keys++;
                            sum += kv.value;
                        }
                    }
                    storeLine = "store " + keys + " " + sum;
                }
            }
            deleteTree(dir);
            System.out.printf("pass %d %s %d %d %d %d %d %d%n", pass, pass < warm ? "warm" : "timed",
                wall, cpu, proc, gc, sink, changelog);
            System.out.flush();
        }
        System.out.println(storeLine);
    }
}
