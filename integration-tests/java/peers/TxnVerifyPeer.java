import java.lang.management.ManagementFactory;
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
 * TxnVerifyPeer copy BOOTSTRAP INPUT OUTPUT GROUP TRANSACTIONAL_ID COMMIT_MS [MAX_TXN_RECORDS]
 *   the txn-copier binary's loop with Java's clients (benchmark peer): read_committed from
 *   all input partitions, value prefixed with "copied:", offsets in the same transaction,
 *   a commit every COMMIT_MS (or once a poll brings the transaction to MAX_TXN_RECORDS); exits at the input's end offsets as read at start and prints
 *   "stats records=N secs=S commits=C commit_p50_ms=P commit_p99_ms=Q cpu_secs=U" (U: this
 *   JVM's CPU time, user + system, all threads).
 * TxnVerifyPeer produce-keyed BOOTSTRAP TOPIC COUNT KEYS
 *   an idempotent producer writes COUNT records: record i has key "k(i % KEYS)" and value
 *   "k(i % KEYS):(i / KEYS)" (the key's own sequence number), the txn tests' input.
 * </pre>
 */
public final class TxnVerifyPeer {
    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: TxnVerifyPeer dump|abort|copy|produce-keyed BOOTSTRAP TOPIC ARG...");
            System.exit(2);
        }
        switch (args[0]) {
            case "dump" -> dump(args[1], args[2], Long.parseLong(args[3]));
            case "abort" -> abort(args[1], args[2], Integer.parseInt(args[3]));
            case "copy" -> copy(args[1], args[2], args[3], args[4], args[5], Long.parseLong(args[6]),
                    args.length > 7 ? Long.parseLong(args[7]) : Long.MAX_VALUE);
            case "produce-keyed" -> produceKeyed(args[1], args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]));
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

    private static void copy(String bootstrap, String input, String output, String group, String txnId,
                             long commitMs, long maxTxnRecords) {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500");
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, txnId);
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        byte[] prefix = "copied:".getBytes(StandardCharsets.UTF_8);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c);
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            producer.initTransactions();
            List<TopicPartition> parts = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(input)) {
                parts.add(new TopicPartition(input, info.partition()));
            }
            Map<TopicPartition, Long> ends = consumer.endOffsets(parts);
            consumer.assign(parts);
            List<Long> commits = new ArrayList<>();
            long records = 0;
            int inTxn = 0;
            long started = System.nanoTime();
            long txnStarted = 0;
            while (true) {
                var polled = consumer.poll(Duration.ofMillis(50));
                if (!polled.isEmpty() && inTxn == 0) {
                    producer.beginTransaction();
                    txnStarted = System.nanoTime();
                }
                for (ConsumerRecord<byte[], byte[]> r : polled) {
                    byte[] v = new byte[prefix.length + r.value().length];
                    System.arraycopy(prefix, 0, v, 0, prefix.length);
                    System.arraycopy(r.value(), 0, v, prefix.length, r.value().length);
                    producer.send(new ProducerRecord<>(output, r.key(), v));
                }
                inTxn += polled.count();
                if (inTxn > 0 && (System.nanoTime() - txnStarted >= commitMs * 1_000_000L || inTxn >= maxTxnRecords)) {
                    Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> offsets = new HashMap<>();
                    for (TopicPartition tp : parts) {
                        offsets.put(tp, new org.apache.kafka.clients.consumer.OffsetAndMetadata(consumer.position(tp)));
                    }
                    long t0 = System.nanoTime();
                    producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
                    producer.commitTransaction();
                    commits.add(System.nanoTime() - t0);
                    records += inTxn;
                    inTxn = 0;
                }
                if (inTxn == 0) {
                    boolean done = true;
                    for (TopicPartition tp : parts) {
                        done &= consumer.position(tp) >= ends.get(tp);
                    }
                    if (done) {
                        break;
                    }
                }
            }
            double secs = (System.nanoTime() - started) / 1e9;
            commits.sort(Long::compare);
            long p50 = commits.isEmpty() ? 0 : commits.get(commits.size() / 2);
            long p99 = commits.isEmpty() ? 0 : commits.get(Math.min(commits.size() - 1, commits.size() * 99 / 100));
            long cpuNanos = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                    .getProcessCpuTime();
            System.out.printf("stats records=%d secs=%.3f commits=%d commit_p50_ms=%.2f commit_p99_ms=%.2f cpu_secs=%.3f%n",
                    records, secs, commits.size(), p50 / 1e6, p99 / 1e6, cpuNanos / 1e9);
        }
    }

    private static void produceKeyed(String bootstrap, String topic, int count, int keys) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            java.util.concurrent.atomic.AtomicReference<Exception> failed = new java.util.concurrent.atomic.AtomicReference<>();
            for (int i = 0; i < count; i++) {
                String key = "k" + (i % keys);
                producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8),
                        (key + ":" + (i / keys)).getBytes(StandardCharsets.UTF_8)), (md, e) -> {
                            if (e != null) {
                                failed.compareAndSet(null, e);
                            }
                        });
            }
            producer.flush();
            if (failed.get() != null) {
                throw failed.get();
            }
        }
        System.out.println("produced " + count);
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
