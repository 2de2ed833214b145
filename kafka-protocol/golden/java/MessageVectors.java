// Golden vectors for kafka-protocol: every listed API's request and response, serialized at
// every version the kafka-clients jar on the classpath supports, by Kafka's own generated
// *Data classes, with the same data printed by the generated *DataJsonConverter.
//
// Values are filled by reflection, driven by the message JSON schema inside the same jar, so
// only fields the version carries are set (Kafka refuses to write others) and the program
// compiles against any 3.x/4.x jar. Two variants per version: "full" sets every field to a
// non-default value (two elements per array, nullable fields non-null, plus an unknown tagged
// field in flexible versions); "nulls" sets nullable fields to null and leaves arrays empty.
//
// Usage: java MessageVectors OUT_DIR Api [Api...]   (Api as in "Fetch", "ApiVersions")
// Output: OUT_DIR/<Api>.jsonl, one line per (direction, version, variant):
//   {"message":"FetchRequest","version":12,"variant":"full","hex":"...","json":{...}}

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ApiMessageType;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Message;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.protocol.types.RawTaggedField;

public class MessageVectors {
    static final ObjectMapper MAPPER = new ObjectMapper().enable(JsonParser.Feature.ALLOW_COMMENTS);

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        Files.createDirectories(out);
        writeErrors(out);
        writeApiSummary(out);
        for (int i = 1; i < args.length; i++) {
            String api = args[i];
            ApiMessageType type = find(api);
            if (type == null) {
                System.err.println("skip " + api + ": not in this jar");
                continue;
            }
            StringBuilder lines = new StringBuilder();
            short lo = type.lowestSupportedVersion();
            short hi = type.highestSupportedVersion(false);
            for (String dir : new String[] {"Request", "Response"}) {
                JsonNode spec = loadSpec(api + dir);
                Map<String, JsonNode> common = new HashMap<>();
                if (spec.has("commonStructs")) {
                    for (JsonNode cs : spec.get("commonStructs")) common.put(cs.get("name").asText(), cs);
                }
                boolean[] flexible = new boolean[hi + 1];
                int[] flex = range(spec.path("flexibleVersions").asText("none"));
                for (short v = lo; v <= hi; v++) {
                    for (String variant : new String[] {"full", "nulls"}) {
                        ApiMessage msg = dir.equals("Request") ? type.newRequest() : type.newResponse();
                        boolean nulls = variant.equals("nulls");
                        fill(msg, spec.get("fields"), common, v, nulls, new int[] {1});
                        if (!nulls && in(flex, v)) {
                            msg.unknownTaggedFields().add(new RawTaggedField(100, new byte[] {7, 8, 9}));
                        }
                        ObjectSerializationCache cache = new ObjectSerializationCache();
                        int size = msg.size(cache, v);
                        ByteBuffer buf = ByteBuffer.allocate(size);
                        msg.write(new ByteBufferAccessor(buf), cache, v);
                        JsonNode json = toJson(msg, v);
                        ObjectNode line = MAPPER.createObjectNode();
                        line.put("message", api + dir);
                        line.put("version", v);
                        line.put("variant", variant);
                        line.put("hex", hex(buf.array()));
                        line.set("json", json);
                        lines.append(MAPPER.writeValueAsString(line)).append('\n');
                    }
                }
            }
            Files.writeString(out.resolve(api + ".jsonl"), lines.toString());
        }
    }

    /** Kafka's error table: code, name, retriable, metadata-invalidating, default message. */
    static void writeErrors(Path out) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (org.apache.kafka.common.protocol.Errors e : org.apache.kafka.common.protocol.Errors.values()) {
            ObjectNode n = MAPPER.createObjectNode();
            n.put("code", e.code());
            n.put("name", e.name());
            n.put("retriable", e.exception() instanceof org.apache.kafka.common.errors.RetriableException);
            n.put("invalidMetadata", e.exception() instanceof org.apache.kafka.common.errors.InvalidMetadataException);
            n.put("message", e.message());
            sb.append(MAPPER.writeValueAsString(n)).append('\n');
        }
        Files.writeString(out.resolve("errors.jsonl"), sb.toString());
    }

    /**
     * Every API the jar implements with the versions a broker of this release accepts (unstable
     * latest versions excluded) and its first flexible version, for the drift test.
     */
    static void writeApiSummary(Path out) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (ApiMessageType t : ApiMessageType.values()) {
            String name;
            try {
                name = t.newRequest().getClass().getSimpleName().replace("RequestData", "");
            } catch (RuntimeException e) {
                continue;
            }
            JsonNode spec = loadSpec(name + "Request");
            int[] flex = range(spec.path("flexibleVersions").asText("none"));
            ObjectNode n = MAPPER.createObjectNode();
            n.put("name", name);
            n.put("apiKey", t.apiKey());
            n.put("minVersion", t.lowestSupportedVersion());
            n.put("maxVersion", t.highestSupportedVersion(false));
            if (flex == null) n.putNull("flexibleMin"); else n.put("flexibleMin", flex[0]);
            sb.append(MAPPER.writeValueAsString(n)).append('\n');
        }
        Files.writeString(out.resolve("api-versions.jsonl"), sb.toString());
    }

    static ApiMessageType find(String api) {
        for (ApiMessageType t : ApiMessageType.values()) {
            try {
                if (t.newRequest().getClass().getSimpleName().equals(api + "RequestData")) return t;
            } catch (RuntimeException e) {
                // APIs a 4.x jar lists but no longer implements (LeaderAndIsr, ...)
            }
        }
        return null;
    }

    static JsonNode loadSpec(String name) throws Exception {
        try (InputStream in = ApiMessageType.class.getClassLoader()
                .getResourceAsStream("common/message/" + name + ".json")) {
            return MAPPER.readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    static JsonNode toJson(Message msg, short v) throws Exception {
        Class<?> conv = Class.forName(msg.getClass().getName() + "JsonConverter");
        Method w = conv.getMethod("write", msg.getClass(), short.class, boolean.class);
        return (JsonNode) w.invoke(null, msg, v, true);
    }

    static int[] range(String s) {
        if (s == null || s.equals("none") || s.isEmpty()) return null;
        if (s.endsWith("+")) return new int[] {Integer.parseInt(s.substring(0, s.length() - 1)), Short.MAX_VALUE};
        int dash = s.indexOf('-');
        if (dash > 0) return new int[] {Integer.parseInt(s.substring(0, dash)), Integer.parseInt(s.substring(dash + 1))};
        int n = Integer.parseInt(s);
        return new int[] {n, n};
    }

    static boolean in(int[] r, short v) {
        return r != null && v >= r[0] && v <= r[1];
    }

    static Method method(Class<?> c, String name, int params) {
        for (Method m : c.getMethods()) {
            if (m.getName().equalsIgnoreCase(name) && m.getParameterCount() == params) return m;
        }
        throw new IllegalStateException("no method " + name + " on " + c.getName());
    }

    /** Sets every field of `obj` the version carries; seed[0] counts up so values differ. */
    static void fill(Object obj, JsonNode fields, Map<String, JsonNode> common, short v, boolean nulls, int[] seed)
            throws Exception {
        for (JsonNode f : fields) {
            if (!in(range(f.path("versions").asText("none")), v)) continue;
            String name = f.get("name").asText();
            String type = f.get("type").asText();
            boolean nullable = in(range(f.path("nullableVersions").asText("none")), v);
            Method setter = method(obj.getClass(), "set" + name, 1);
            Class<?> pt = setter.getParameterTypes()[0];
            int s = seed[0]++;
            if (nulls && nullable) {
                setter.invoke(obj, new Object[] {null});
                continue;
            }
            if (type.startsWith("[]")) {
                String elem = type.substring(2);
                int n = nulls ? 0 : 2;
                if (isPrimitive(elem)) {
                    List<Object> list = new ArrayList<>();
                    for (int k = 0; k < n; k++) list.add(scalar(elem, null, s * 3 + k));
                    setter.invoke(obj, list);
                } else {
                    Class<?> ec = Class.forName(outerName(obj.getClass()) + "$" + elem);
                    @SuppressWarnings("unchecked")
                    Collection<Object> coll = List.class.isAssignableFrom(pt)
                            ? new ArrayList<>() : (Collection<Object>) pt.getConstructor().newInstance();
                    for (int k = 0; k < n; k++) {
                        Object e = ec.getConstructor().newInstance();
                        fill(e, structFields(f, elem, common), common, v, nulls, seed);
                        coll.add(e);
                    }
                    setter.invoke(obj, coll);
                }
            } else if (isPrimitive(type)) {
                Object cur = method(obj.getClass(), name, 0).invoke(obj);
                setter.invoke(obj, scalar(type, cur, s));
            } else {
                Object e = pt.getConstructor().newInstance();
                fill(e, structFields(f, type, common), common, v, nulls, seed);
                setter.invoke(obj, e);
            }
        }
    }

    static String outerName(Class<?> c) {
        String n = c.getName();
        int d = n.indexOf('$');
        return d < 0 ? n : n.substring(0, d);
    }

    static JsonNode structFields(JsonNode f, String type, Map<String, JsonNode> common) {
        if (f.has("fields")) return f.get("fields");
        return common.get(type).get("fields");
    }

    static boolean isPrimitive(String t) {
        switch (t) {
            case "int8": case "int16": case "int32": case "int64": case "uint16": case "uint32":
            case "float64": case "bool": case "uuid": case "string": case "bytes": case "records":
                return true;
            default:
                return false;
        }
    }

    static Object scalar(String type, Object current, int s) throws Exception {
        switch (type) {
            case "int8": return (byte) (s % 100 + 1);
            case "int16": return (short) (s * 3 + 2);
            case "int32": return s * 7919 + 3;
            case "int64": return s * 1_000_000_007L + 5;
            case "uint16": return 40000 + s;
            case "uint32": return 3_000_000_000L + s;
            case "float64": return s + 0.25;
            case "bool": return current instanceof Boolean ? !(Boolean) current : true;
            case "uuid": return new Uuid(0x0123456789abcdefL + s, 0x7edcba9876543210L - s);
            case "string": return "s" + s + "-é";
            case "bytes": return new byte[] {1, 2, (byte) s, (byte) 0xff};
            case "records": return records(new byte[] {9, 8, 7, (byte) s});
            default: throw new IllegalArgumentException(type);
        }
    }

    /** MemoryRecords moved to record.internal in 4.x; find it by name so both jars work. */
    static Object records(byte[] bytes) {
        for (String n : new String[] {"org.apache.kafka.common.record.internal.MemoryRecords",
                "org.apache.kafka.common.record.MemoryRecords"}) {
            try {
                return Class.forName(n).getMethod("readableRecords", ByteBuffer.class)
                        .invoke(null, ByteBuffer.wrap(bytes));
            } catch (ClassNotFoundException e) {
                // try the next name
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("no MemoryRecords class");
    }

    static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder(b.length * 2);
        for (byte x : b) sb.append(String.format("%02x", x));
        return sb.toString();
    }
}
