import java.nio.charset.StandardCharsets;
import java.util.Properties;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Java's transactional producer writing committed and aborted transactions, for
 * read_committed tests.
 *
 * <pre>
 * TxnPeer BOOTSTRAP TOPIC TRANSACTIONS PER_TXN
 *   transaction t (0-based) sends PER_TXN records with value "commit-t-i" and commits when t is
 *   even, or value "abort-t-i" and aborts when t is odd; all to partition 0. Every third
 *   transaction is followed by one non-transactional record "plain-t" from a second producer.
 *   Prints the committed and plain values, one per line, in the order they were written.
 * </pre>
 */
public final class TxnPeer {
    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: TxnPeer BOOTSTRAP TOPIC TRANSACTIONS PER_TXN");
            System.exit(2);
        }
        String bootstrap = args[0];
        String topic = args[1];
        int txns = Integer.parseInt(args[2]);
        int perTxn = Integer.parseInt(args[3]);
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "txn-peer-" + topic);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        Properties plainProps = new Properties();
        plainProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        plainProps.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        plainProps.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p);
             KafkaProducer<byte[], byte[]> plain = new KafkaProducer<>(plainProps)) {
            producer.initTransactions();
            for (int t = 0; t < txns; t++) {
                boolean commit = t % 2 == 0;
                producer.beginTransaction();
                for (int i = 0; i < perTxn; i++) {
                    String v = (commit ? "commit-" : "abort-") + t + "-" + i;
                    producer.send(new ProducerRecord<>(topic, 0, null, v.getBytes(StandardCharsets.UTF_8)));
                }
                producer.flush();
                if (commit) {
                    producer.commitTransaction();
                    for (int i = 0; i < perTxn; i++) {
                        System.out.println("commit-" + t + "-" + i);
                    }
                } else {
                    producer.abortTransaction();
                }
                if (t % 3 == 0) {
                    String v = "plain-" + t;
                    plain.send(new ProducerRecord<>(topic, 0, null, v.getBytes(StandardCharsets.UTF_8))).get();
                    System.out.println(v);
                }
            }
        }
        System.out.flush();
    }
}
