import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Java's side of the transaction tests.
 *
 * <pre>
 * TxnVerifyPeer dump BOOTSTRAP TOPIC TIMEOUT_MS
 *   reads every partition from the beginning with isolation.level=read_committed up to the
 *   end offsets (the last stable offsets) and prints "partition TAB key TAB value" (UTF-8) per
 *   record, in partition order then offset order.
 * TxnVerifyPeer abort BOOTSTRAP TOPIC COUNT
 *   a transactional producer sends COUNT records ("java-aborted-i") to partition 0 and
 *   aborts, then sends one record "java-committed" and commits.
 * </pre>
 */
public final class TxnVerifyPeer {
    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: TxnVerifyPeer dump|abort BOOTSTRAP TOPIC ARG");
            System.exit(2);
        }
        switch (args[0]) {
            case "dump" -> dump(args[1], args[2], Long.parseLong(args[3]));
            case "abort" -> abort(args[1], args[2], Integer.parseInt(args[3]));
            default -> {
                System.err.println("unknown command " + args[0]);
                System.exit(2);
            }
        }
    }

    private static void dump(String bootstrap, String topic, long timeoutMs) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        long deadline = System.currentTimeMillis() + timeoutMs;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofMillis(timeoutMs))) {
                parts.add(new TopicPartition(topic, info.partition()));
            }
            parts.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> ends = consumer.endOffsets(parts);
            Map<Integer, StringBuilder> out = new HashMap<>();
            for (TopicPartition tp : parts) {
                out.put(tp.partition(), new StringBuilder());
            }
            while (true) {
                boolean done = true;
                for (TopicPartition tp : parts) {
                    if (consumer.position(tp) < ends.get(tp)) {
                        done = false;
                    }
                }
                if (done) {
                    break;
                }
                if (System.currentTimeMillis() > deadline) {
                    System.err.println("timed out before the end offsets " + ends);
                    System.exit(1);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    out.get(r.partition()).append(r.partition()).append('\t')
                            .append(r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8))
                            .append('\t')
                            .append(r.value() == null ? "" : new String(r.value(), StandardCharsets.UTF_8))
                            .append('\n');
                }
            }
            StringBuilder all = new StringBuilder();
            for (TopicPartition tp : parts) {
                all.append(out.get(tp.partition()));
            }
            System.out.print(all);
            System.out.flush();
        }
    }

    private static void abort(String bootstrap, String topic, int count) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "txn-verify-peer-" + topic);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            producer.initTransactions();
            producer.beginTransaction();
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, 0, null,
                        ("java-aborted-" + i).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, 0, null, "java-committed".getBytes(StandardCharsets.UTF_8)));
            producer.commitTransaction();
        }
    }
}
