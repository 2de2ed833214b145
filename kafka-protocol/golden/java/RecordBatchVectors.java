// Golden record-batch vectors written by Kafka's own Java client code, and a reader that checks
// batches written by the Rust crate.
//
// Usage (classpath = the Kafka libs dir printed by scripts/kafka-fetch):
//   java -cp "$(scripts/kafka-fetch)/*" kafka-protocol/golden/java/RecordBatchVectors.java <out-dir>
//       writes <out-dir>/records/<name>.bin (the raw record set) and <name>.txt (its description)
//   java -cp "$(scripts/kafka-fetch)/*" kafka-protocol/golden/java/RecordBatchVectors.java verify <file>...
//       reads each file with MemoryRecords.readableRecords, validates every batch's CRC and
//       prints the same description format, one "file <name>" line before each.
//
// Description format, one item per line, byte strings in lowercase hex ("null" for null):
//   batch base_offset=.. last_offset=.. magic=.. compression=.. timestamp_type=.. transactional=..
//         control=.. producer_id=.. producer_epoch=.. base_sequence=.. partition_leader_epoch=..
//         base_timestamp=.. max_timestamp=.. count=..
//   record offset=.. timestamp=.. key=.. value=.. headers=N
//   header key=.. value=..

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.DefaultRecordBatch;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;

public class RecordBatchVectors {

    private static final long T0 = 1_700_000_000_000L;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Compression codec(String name) {
        switch (name) {
            case "none": return Compression.NONE;
            case "gzip": return Compression.gzip().build();
            case "snappy": return Compression.snappy().build();
            case "lz4": return Compression.lz4().build();
            case "zstd": return Compression.zstd().build();
            default: throw new IllegalArgumentException(name);
        }
    }

    /** The mixed records every codec vector holds. */
    private static void appendMixed(MemoryRecordsBuilder builder) {
        builder.append(T0, b("key-0"), b("value-0"));
        builder.append(T0 + 5, (byte[]) null, b("value with null key"));
        builder.append(T0 - 3, b("tombstone"), null, new Header[] {});
        builder.append(T0 + 100, b("with-headers"), b("v"), new Header[] {
            new RecordHeader("trace-id", b("abc123")),
            new RecordHeader("null-header", (byte[]) null),
            new RecordHeader("empty", new byte[0]),
            new RecordHeader("trace-id", b("duplicate key kept")),
        });
        builder.append(T0 + 7, new byte[0], new byte[0]);
        builder.append(T0 + 8, (byte[]) null, (byte[]) null);
        builder.append(T0 + 9, b("unicode-ключ"), b("значение ✓"));
    }

    /** Many compressible records, so compressed output spans several codec blocks. */
    private static void appendLarge(MemoryRecordsBuilder builder) {
        for (int i = 0; i < 300; i++) {
            StringBuilder value = new StringBuilder();
            for (int j = 0; j < 8; j++) {
                value.append("record ").append(i).append(" chunk ").append(j).append(' ');
            }
            // Some incompressible bytes too, so LZ4 stores some data raw.
            byte[] noise = new byte[64];
            long x = 0x9E3779B97F4A7C15L * (i + 1);
            for (int k = 0; k < noise.length; k++) {
                x ^= x << 13; x ^= x >>> 7; x ^= x << 17;
                noise[k] = (byte) x;
            }
            byte[] v = b(value.toString());
            byte[] all = new byte[v.length + noise.length];
            System.arraycopy(v, 0, all, 0, v.length);
            System.arraycopy(noise, 0, all, v.length, noise.length);
            builder.append(T0 + i, b("k" + i), all);
        }
    }

    private static MemoryRecordsBuilder builder(ByteBuffer buf, byte magic, String codec,
            TimestampType tsType, long baseOffset, long logAppendTime, long pid, short epoch,
            int baseSeq, boolean txn, int leaderEpoch) {
        return MemoryRecords.builder(buf, magic, codec(codec), tsType, baseOffset, logAppendTime,
            pid, epoch, baseSeq, txn, leaderEpoch);
    }

    private static ByteBuffer toBytes(MemoryRecords records) {
        ByteBuffer buf = records.buffer().duplicate();
        ByteBuffer out = ByteBuffer.allocate(buf.remaining());
        out.put(buf);
        out.flip();
        return out;
    }

    private static void write(Path dir, String name, ByteBuffer data) throws Exception {
        byte[] bytes = new byte[data.remaining()];
        data.duplicate().get(bytes);
        Files.write(dir.resolve(name + ".bin"), bytes);
        try (PrintStream out = new PrintStream(Files.newOutputStream(dir.resolve(name + ".txt")), true, "UTF-8")) {
            describe(MemoryRecords.readableRecords(ByteBuffer.wrap(bytes)), out);
        }
    }

    private static void generate(Path root) throws Exception {
        Path dir = root.resolve("records");
        Files.createDirectories(dir);
        String[] codecs = {"none", "gzip", "snappy", "lz4", "zstd"};
        byte v2 = RecordBatch.MAGIC_VALUE_V2;

        for (String c : codecs) {
            // A plain producer batch (no idempotence) at base offset 0.
            ByteBuffer buf = ByteBuffer.allocate(1 << 16);
            MemoryRecordsBuilder mb = builder(buf, v2, c, TimestampType.CREATE_TIME, 0L,
                RecordBatch.NO_TIMESTAMP, RecordBatch.NO_PRODUCER_ID, RecordBatch.NO_PRODUCER_EPOCH,
                RecordBatch.NO_SEQUENCE, false, RecordBatch.NO_PARTITION_LEADER_EPOCH);
            appendMixed(mb);
            write(dir, "v2_" + c + "_mixed", toBytes(mb.build()));

            // An idempotent batch as stored by a broker: real base offset and leader epoch.
            buf = ByteBuffer.allocate(1 << 16);
            mb = builder(buf, v2, c, TimestampType.CREATE_TIME, 1000L, RecordBatch.NO_TIMESTAMP,
                4242L, (short) 7, 31, false, 12);
            appendMixed(mb);
            write(dir, "v2_" + c + "_idempotent", toBytes(mb.build()));

            // A transactional batch with many records (several compression blocks).
            buf = ByteBuffer.allocate(1 << 20);
            mb = builder(buf, v2, c, TimestampType.CREATE_TIME, 77L, RecordBatch.NO_TIMESTAMP,
                99L, (short) 3, Integer.MAX_VALUE - 10, true, 5);
            appendLarge(mb);
            write(dir, "v2_" + c + "_transactional_large", toBytes(mb.build()));
        }

        // Log-append-time batch: the broker's time replaces every record's timestamp.
        ByteBuffer buf = ByteBuffer.allocate(1 << 16);
        MemoryRecordsBuilder mb = builder(buf, v2, "none", TimestampType.LOG_APPEND_TIME, 500L,
            T0 + 12345, RecordBatch.NO_PRODUCER_ID, RecordBatch.NO_PRODUCER_EPOCH,
            RecordBatch.NO_SEQUENCE, false, 2);
        appendMixed(mb);
        write(dir, "v2_none_log_append_time", toBytes(mb.build()));

        // Transaction markers.
        write(dir, "v2_control_commit", toBytes(MemoryRecords.withEndTransactionMarker(
            2000L, T0 + 1, 9, 4242L, (short) 7, new EndTransactionMarker(ControlRecordType.COMMIT, 17))));
        write(dir, "v2_control_abort", toBytes(MemoryRecords.withEndTransactionMarker(
            2001L, T0 + 2, 9, 4242L, (short) 7, new EndTransactionMarker(ControlRecordType.ABORT, 18))));

        // Legacy message sets: magic 0 and 1, uncompressed and compressed wrappers.
        byte[] magics = {RecordBatch.MAGIC_VALUE_V0, RecordBatch.MAGIC_VALUE_V1};
        for (byte magic : magics) {
            for (String c : new String[] {"none", "gzip", "snappy", "lz4"}) {
                buf = ByteBuffer.allocate(1 << 16);
                mb = MemoryRecords.builder(buf, magic, codec(c), TimestampType.CREATE_TIME, 300L);
                mb.append(T0, b("legacy-key"), b("legacy-value"));
                mb.append(T0 + 1, (byte[]) null, b("null key"));
                mb.append(T0 + 2, b("tombstone"), (byte[]) null);
                mb.append(T0 + 3, new byte[0], b("last"));
                write(dir, "v" + magic + "_" + c + "_legacy", toBytes(mb.build()));
            }
        }

        // Several batches in one record set, as a fetch returns them.
        ByteBuffer a = toBytes(MemoryRecords.withRecords(RecordBatch.MAGIC_VALUE_V2, 0L,
            Compression.NONE, TimestampType.CREATE_TIME,
            new org.apache.kafka.common.record.internal.SimpleRecord(T0, b("a"), b("1")),
            new org.apache.kafka.common.record.internal.SimpleRecord(T0, b("b"), b("2"))));
        ByteBuffer bb = toBytes(MemoryRecords.withRecords(RecordBatch.MAGIC_VALUE_V2, 2L,
            codec("lz4"), TimestampType.CREATE_TIME,
            new org.apache.kafka.common.record.internal.SimpleRecord(T0 + 1, b("c"), b("3"))));
        ByteBuffer all = ByteBuffer.allocate(a.remaining() + bb.remaining());
        all.put(a).put(bb).flip();
        write(dir, "v2_multi_batch", all);
    }

    private static String hex(ByteBuffer buf) {
        if (buf == null) return "null";
        ByteBuffer d = buf.duplicate();
        StringBuilder sb = new StringBuilder();
        while (d.hasRemaining()) sb.append(String.format("%02x", d.get() & 0xff));
        return sb.toString();
    }

    private static String hex(byte[] b) {
        return b == null ? "null" : hex(ByteBuffer.wrap(b));
    }

    private static void describe(MemoryRecords records, PrintStream out) {
        for (MutableRecordBatch batch : records.batches()) {
            batch.ensureValid();
            long baseTimestamp = batch instanceof DefaultRecordBatch
                ? ((DefaultRecordBatch) batch).baseTimestamp() : RecordBatch.NO_TIMESTAMP;
            List<Record> list = new ArrayList<>();
            for (Record r : batch) list.add(r);
            out.println("batch base_offset=" + batch.baseOffset()
                + " last_offset=" + batch.lastOffset()
                + " magic=" + batch.magic()
                + " compression=" + batch.compressionType().name
                + " timestamp_type=" + batch.timestampType().name
                + " transactional=" + batch.isTransactional()
                + " control=" + batch.isControlBatch()
                + " producer_id=" + batch.producerId()
                + " producer_epoch=" + batch.producerEpoch()
                + " base_sequence=" + batch.baseSequence()
                + " partition_leader_epoch=" + batch.partitionLeaderEpoch()
                + " base_timestamp=" + baseTimestamp
                + " max_timestamp=" + batch.maxTimestamp()
                + " count=" + list.size());
            for (Record r : list) {
                Header[] headers = r.headers();
                out.println("record offset=" + r.offset() + " timestamp=" + r.timestamp()
                    + " key=" + hex(r.key()) + " value=" + hex(r.value()) + " headers=" + headers.length);
                for (Header h : headers) {
                    out.println("header key=" + hex(h.key().getBytes(StandardCharsets.UTF_8))
                        + " value=" + hex(h.value()));
                }
            }
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length >= 1 && args[0].equals("verify")) {
            for (int i = 1; i < args.length; i++) {
                Path p = Path.of(args[i]);
                System.out.println("file " + p.getFileName());
                describe(MemoryRecords.readableRecords(ByteBuffer.wrap(Files.readAllBytes(p))), System.out);
            }
            System.out.flush();
            return;
        }
        if (args.length != 1) {
            System.err.println("usage: RecordBatchVectors <out-dir> | verify <file>...");
            System.exit(2);
        }
        generate(Path.of(args[0]));
    }
}
