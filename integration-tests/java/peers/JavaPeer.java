import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Future;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The Java side of interop tests: Kafka's own producer and consumer, driven from Rust tests.
 *
 * <pre>
 * JavaPeer produce BOOTSTRAP TOPIC COUNT [key=value client properties...]
 *   sends COUNT records: key "key-i", value "value-i", header "seq"="i", timestamp 1700000000000+i;
 *   prints one line per acknowledged record: partition TAB offset TAB timestamp
 * JavaPeer consume BOOTSTRAP TOPIC COUNT TIMEOUT_MS [key=value client properties...]
 *   reads every partition of TOPIC from the beginning (no group) until COUNT records or TIMEOUT_MS;
 *   prints one line per record: partition TAB offset TAB timestamp TAB key-hex TAB value-hex TAB headers
 *   where null is "-" and headers are name=value-hex joined by ",".
 * </pre>
 * Exit status 0 on success; 2 on bad arguments; 3 when fewer than COUNT records arrived in time.
 */
public final class JavaPeer {
    private static final long BASE_TIMESTAMP = 1_700_000_000_000L;

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            usage();
        }
        String command = args[0];
        String bootstrap = args[1];
        String topic = args[2];
        int count = Integer.parseInt(args[3]);
        switch (command) {
            case "produce" -> produce(bootstrap, topic, count, extraProps(args, 4));
            case "consume" -> {
                if (args.length < 5) {
                    usage();
                }
                consume(bootstrap, topic, count, Long.parseLong(args[4]), extraProps(args, 5));
            }
            default -> usage();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void usage() {
        System.err.println("usage: JavaPeer produce BOOTSTRAP TOPIC COUNT [k=v...]");
        System.err.println("       JavaPeer consume BOOTSTRAP TOPIC COUNT TIMEOUT_MS [k=v...]");
        System.exit(2);
    }

    private static Properties extraProps(String[] args, int from) {
        Properties props = new Properties();
        for (int i = from; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            if (eq <= 0) {
                System.err.println("not a key=value property: " + args[i]);
                System.exit(2);
            }
            props.setProperty(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        return props;
    }

    private static void produce(String bootstrap, String topic, int count, Properties extra) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.putAll(extra);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            List<Future<RecordMetadata>> acks = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null, BASE_TIMESTAMP + i,
                        ("key-" + i).getBytes(StandardCharsets.UTF_8),
                        ("value-" + i).getBytes(StandardCharsets.UTF_8));
                record.headers().add("seq", Integer.toString(i).getBytes(StandardCharsets.UTF_8));
                acks.add(producer.send(record));
            }
            StringBuilder out = new StringBuilder();
            for (Future<RecordMetadata> ack : acks) {
                RecordMetadata md = ack.get();
                out.append(md.partition()).append('\t').append(md.offset()).append('\t')
                        .append(md.timestamp()).append('\n');
            }
            System.out.print(out);
        }
    }

    private static void consume(String bootstrap, String topic, int count, long timeoutMs, Properties extra) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.putAll(extra);
        HexFormat hex = HexFormat.of();
        long deadline = System.currentTimeMillis() + timeoutMs;
        int seen = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = new ArrayList<>();
            while (partitions.isEmpty() && System.currentTimeMillis() < deadline) {
                List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofMillis(
                        Math.max(1, deadline - System.currentTimeMillis())));
                if (infos != null) {
                    for (PartitionInfo info : infos) {
                        partitions.add(new TopicPartition(topic, info.partition()));
                    }
                }
                if (partitions.isEmpty()) {
                    sleep(100);
                }
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            StringBuilder out = new StringBuilder();
            while (seen < count && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    out.append(r.partition()).append('\t').append(r.offset()).append('\t')
                            .append(r.timestamp()).append('\t')
                            .append(r.key() == null ? "-" : hex.formatHex(r.key())).append('\t')
                            .append(r.value() == null ? "-" : hex.formatHex(r.value())).append('\t');
                    boolean first = true;
                    for (Header h : r.headers()) {
                        if (!first) {
                            out.append(',');
                        }
                        first = false;
                        out.append(h.key()).append('=').append(h.value() == null ? "-" : hex.formatHex(h.value()));
                    }
                    out.append('\n');
                    seen++;
                }
            }
            System.out.print(out);
            if (seen < count) {
                // Say what the broker holds, so a failure tells a slow fetch from missing data.
                String ends;
                try {
                    ends = consumer.endOffsets(partitions, Duration.ofSeconds(10)).toString();
                } catch (RuntimeException e) {
                    ends = "unknown (" + e + ")";
                }
                System.err.println("JavaPeer: only " + seen + " of " + count + " records arrived within "
                        + timeoutMs + " ms; partitions " + partitions + ", end offsets " + ends);
                System.exit(3);
            }
        }
    }
}
