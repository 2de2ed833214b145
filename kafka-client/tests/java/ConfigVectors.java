// Builds Java client configurations for the Rust test config_vectors.rs. Reads one case per line
// from stdin: "<role>\t<key>=<value>\t...". For each prints "OK\t<key>=<resolved value>\t..." (the
// keys the Rust test compares, lower-cased) or "ERR\t<exception>: <message>". Producers and
// consumers are constructed for real (KafkaProducer/KafkaConsumer, closed at once, no broker
// needed) so that the client constructors' own checks run too.
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;

public class ConfigVectors {
    static final String[] PRODUCER_KEYS = {
        "send.buffer.bytes", "receive.buffer.bytes", "client.dns.lookup", "bootstrap.resolve.timeout.ms", "metadata.recovery.strategy", "metadata.recovery.rebootstrap.trigger.ms", "metadata.cluster.check.enable",
        "acks", "enable.idempotence", "linger.ms", "batch.size", "buffer.memory", "retries",
        "max.in.flight.requests.per.connection", "reconnect.backoff.ms", "reconnect.backoff.max.ms",
        "retry.backoff.ms", "retry.backoff.max.ms", "compression.type", "compression.gzip.level",
        "compression.lz4.level", "compression.zstd.level", "transactional.id", "transaction.timeout.ms",
        "connections.max.idle.ms", "request.timeout.ms", "delivery.timeout.ms", "max.request.size",
        "max.block.ms", "partitioner.ignore.keys", "partitioner.adaptive.partitioning.enable",
        "partitioner.availability.timeout.ms", "partitioner.rack.aware", "client.rack", "metadata.max.age.ms", "metadata.max.idle.ms",
        "socket.connection.setup.timeout.ms", "socket.connection.setup.timeout.max.ms", "security.protocol",
    };
    static final String[] CONSUMER_KEYS = {
        "send.buffer.bytes", "receive.buffer.bytes", "client.dns.lookup", "bootstrap.resolve.timeout.ms", "metadata.recovery.strategy", "metadata.recovery.rebootstrap.trigger.ms", "metadata.cluster.check.enable",
        "group.id", "group.instance.id", "group.protocol", "enable.auto.commit", "auto.commit.interval.ms",
        "auto.offset.reset", "isolation.level", "session.timeout.ms", "heartbeat.interval.ms",
        "max.poll.interval.ms", "max.poll.records", "fetch.min.bytes", "fetch.max.bytes", "fetch.max.wait.ms",
        "max.partition.fetch.bytes", "check.crcs", "allow.auto.create.topics", "exclude.internal.topics",
        "default.api.timeout.ms", "connections.max.idle.ms", "reconnect.backoff.max.ms", "request.timeout.ms",
        "security.protocol", "client.rack",
    };
    static final String[] ADMIN_KEYS = {
        "send.buffer.bytes", "receive.buffer.bytes", "client.dns.lookup", "bootstrap.resolve.timeout.ms", "metadata.recovery.strategy", "metadata.recovery.rebootstrap.trigger.ms", "metadata.cluster.check.enable",
        "retries", "default.api.timeout.ms", "connections.max.idle.ms", "reconnect.backoff.ms",
        "reconnect.backoff.max.ms", "request.timeout.ms", "security.protocol",
    };

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, "UTF-8"));
        String line;
        while ((line = in.readLine()) != null) {
            String[] fields = line.split("\t", -1);
            String role = fields[0];
            Map<String, Object> props = new HashMap<>();
            for (int i = 1; i < fields.length; i++) {
                int eq = fields[i].indexOf('=');
                props.put(fields[i].substring(0, eq), fields[i].substring(eq + 1));
            }
            try {
                System.out.println("OK" + resolve(role, props));
            } catch (Throwable e) {
                Throwable cause = e;
                while (cause.getCause() != null) {
                    cause = cause.getCause();
                }
                System.out.println("ERR\t" + cause.getClass().getSimpleName() + ": " + cause.getMessage());
            }
            System.out.flush();
        }
    }

    static String resolve(String role, Map<String, Object> props) {
        AbstractConfig config;
        String[] keys;
        String deliveryTimeout = null;
        switch (role) {
            case "producer":
                props.put("key.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
                props.put("value.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
                config = new ProducerConfig(props);
                // The constructor's own checks (delivery timeout, bootstrap addresses) run here.
                new KafkaProducer<byte[], byte[]>(props).close(Duration.ZERO);
                deliveryTimeout = effectiveDeliveryTimeout(config);
                keys = PRODUCER_KEYS;
                break;
            case "consumer":
                props.put("key.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
                props.put("value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
                config = new ConsumerConfig(props);
                new KafkaConsumer<byte[], byte[]>(props).close(Duration.ZERO);
                keys = CONSUMER_KEYS;
                break;
            default:
                config = new AdminClientConfig(props);
                keys = ADMIN_KEYS;
        }
        StringBuilder out = new StringBuilder();
        for (String key : keys) {
            Object value = key.equals("delivery.timeout.ms") ? deliveryTimeout : config.values().get(key);
            out.append('\t').append(key).append('=').append(String.valueOf(value).toLowerCase(Locale.ROOT));
        }
        return out.toString();
    }

    // KafkaProducer.configureDeliveryTimeout raises an unset delivery.timeout.ms to linger + request
    // timeout; it does not write the result back into the config, so recompute it the same way.
    static String effectiveDeliveryTimeout(AbstractConfig config) {
        int delivery = config.getInt("delivery.timeout.ms");
        int linger = (int) Math.min(config.getLong("linger.ms"), Integer.MAX_VALUE);
        int request = config.getInt("request.timeout.ms");
        int floor = (int) Math.min((long) linger + request, Integer.MAX_VALUE);
        return String.valueOf(Math.max(delivery, floor));
    }
}
