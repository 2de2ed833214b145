import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Future;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Kafka's own producer's metrics, for comparison with ours (producer_metrics test).
 *
 * <pre>
 * MetricsPeer BOOTSTRAP TOPIC_A COUNT_A TOPIC_B COUNT_B [key=value producer properties...]
 *   sends COUNT_A records to TOPIC_A, then COUNT_B to TOPIC_B (record i: key "key-i", value
 *   "value-i", header "seq"="i", timestamp 1700000000000+i), waits for every acknowledgement,
 *   flushes, then prints every metric of groups producer-metrics and producer-topic-metrics, one
 *   per line: group TAB name TAB tags (k=v sorted by key, joined by ",") TAB value TAB description
 * </pre>
 * Exit status 0 on success; 2 on bad arguments.
 */
public final class MetricsPeer {
    private static final long BASE_TIMESTAMP = 1_700_000_000_000L;

    public static void main(String[] args) throws Exception {
        if (args.length < 5) {
            System.err.println("usage: MetricsPeer BOOTSTRAP TOPIC_A COUNT_A TOPIC_B COUNT_B [k=v...]");
            System.exit(2);
        }
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        for (int i = 5; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            if (eq <= 0) {
                System.err.println("not a key=value property: " + args[i]);
                System.exit(2);
            }
            props.setProperty(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            send(producer, args[1], Integer.parseInt(args[2]), acks);
            send(producer, args[3], Integer.parseInt(args[4]), acks);
            for (Future<RecordMetadata> ack : acks) {
                ack.get();
            }
            producer.flush();
            StringBuilder out = new StringBuilder();
            for (Map.Entry<MetricName, ? extends Metric> e : producer.metrics().entrySet()) {
                MetricName n = e.getKey();
                if (!n.group().equals("producer-metrics") && !n.group().equals("producer-topic-metrics")) {
                    continue;
                }
                StringBuilder tags = new StringBuilder();
                for (Map.Entry<String, String> t : new TreeMap<>(n.tags()).entrySet()) {
                    if (tags.length() > 0) {
                        tags.append(',');
                    }
                    tags.append(t.getKey()).append('=').append(t.getValue());
                }
                out.append(n.group()).append('\t').append(n.name()).append('\t').append(tags).append('\t')
                        .append(e.getValue().metricValue()).append('\t').append(n.description()).append('\n');
            }
            System.out.print(out);
        }
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, int count,
            List<Future<RecordMetadata>> acks) {
        for (int i = 0; i < count; i++) {
            ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null, BASE_TIMESTAMP + i,
                    ("key-" + i).getBytes(StandardCharsets.UTF_8),
                    ("value-" + i).getBytes(StandardCharsets.UTF_8));
            record.headers().add("seq", Integer.toString(i).getBytes(StandardCharsets.UTF_8));
            acks.add(producer.send(record));
        }
    }
}
