package dev.cctask;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.PrettyPrinter;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Map;

/**
 * JSON text exactly as Python's {@code json.dumps(value, indent=2)} writes it (registry file, SPEC §8.3): the Python
 * skill's readers and our writers share one file, and a byte-identical layout keeps diffs and greps meaningful.
 *
 * <p>Python's rules: two-space indent, {@code ", "} never used (items end with {@code ","} + newline), {@code ": "}
 * between key and value, {@code {}} / {@code []} when empty, every character outside {@code ' '..'~'} escaped as
 * lowercase {@code \\uXXXX} (astral characters as surrogate pairs; {@code \n \r \t \b \f} in short form), floats as
 * Python {@code repr}, no trailing newline.
 *
 * <p>{@link #pretty} is the same layout with UTF-8 text ({@code ensure_ascii=False}): what every {@code --json}
 * output and {@code notify} print. Only the registry file keeps the ASCII escapes, for the Python skill's readers.
 */
public final class PythonJson {
    private PythonJson() {}

    // two holders: writing (notify's status line) needs no ObjectMapper
    private static final class MapperHolder {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    private static final class FactoryHolder {
        static final JsonFactory FACTORY = new JsonFactoryBuilder()
                .enable(JsonWriteFeature.ESCAPE_NON_ASCII)
                .disable(JsonWriteFeature.WRITE_HEX_UPPER_CASE)
                .characterEscapes(new DelEscapes())
                .build();
        static final JsonFactory UTF8 = new JsonFactoryBuilder()
                .disable(JsonWriteFeature.WRITE_HEX_UPPER_CASE)
                .build();
    }

    /** The shared mapper for reading and building trees (created on first use). */
    public static ObjectMapper mapper() {
        return MapperHolder.MAPPER;
    }

    /** Serialises a tree the way Python's {@code json.dumps(value, indent=2)} does (the registry file). */
    public static String write(JsonNode value) {
        return write(FactoryHolder.FACTORY, value);
    }

    /**
     * {@code json.dumps(value, indent=2, ensure_ascii=False)}: the same layout, non-ASCII text as is (UTF-8 on the
     * way out). For everything printed: {@code --json} outputs and {@code notify}'s status.
     */
    public static String pretty(JsonNode value) {
        return write(FactoryHolder.UTF8, value);
    }

    private static String write(JsonFactory factory, JsonNode value) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = factory.createGenerator(out)) {
            g.setPrettyPrinter(new IndentTwo());
            writeNode(g, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString();
    }

    // Our own walk instead of ObjectMapper.writeValue so that doubles get Python's repr.
    private static void writeNode(JsonGenerator g, JsonNode n) throws IOException {
        switch (n.getNodeType()) {
            case OBJECT -> {
                g.writeStartObject();
                for (Map.Entry<String, JsonNode> e : n.properties()) {
                    g.writeFieldName(e.getKey());
                    writeNode(g, e.getValue());
                }
                g.writeEndObject();
            }
            case ARRAY -> {
                g.writeStartArray();
                for (JsonNode item : n) {
                    writeNode(g, item);
                }
                g.writeEndArray();
            }
            case STRING -> g.writeString(n.textValue());
            case BOOLEAN -> g.writeBoolean(n.booleanValue());
            case NUMBER -> {
                if (n.isIntegralNumber()) {
                    g.writeNumber(n.bigIntegerValue());
                } else {
                    g.writeNumber(pythonFloat(n.doubleValue()));
                }
            }
            default -> g.writeNull(); // NULL, MISSING; POJO/BINARY never occur in parsed or built trees
        }
    }

    /** Python's {@code repr(float)} as {@code json.dumps} prints it: shortest round-trip digits, Python's layout. */
    static String pythonFloat(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        if (d == 0) {
            return (1 / d < 0) ? "-0.0" : "0.0";
        }
        BigDecimal exact = new BigDecimal(d);
        BigDecimal shortest = exact;
        for (int precision = 1; precision <= 17; precision++) {
            BigDecimal candidate = exact.round(new MathContext(precision, RoundingMode.HALF_EVEN));
            if (candidate.doubleValue() == d) {
                shortest = candidate;
                break;
            }
        }
        shortest = shortest.stripTrailingZeros();
        String digits = shortest.unscaledValue().abs().toString();
        int decpt = digits.length() - shortest.scale(); // value = 0.<digits> × 10^decpt
        StringBuilder s = new StringBuilder(d < 0 ? "-" : "");
        if (decpt <= -4 || decpt > 16) {
            s.append(digits.charAt(0));
            if (digits.length() > 1) {
                s.append('.').append(digits, 1, digits.length());
            }
            int exp = decpt - 1;
            s.append('e').append(exp < 0 ? '-' : '+');
            String e = Integer.toString(Math.abs(exp));
            s.append(e.length() < 2 ? "0" + e : e);
        } else if (decpt <= 0) {
            s.append("0.").append("0".repeat(-decpt)).append(digits);
        } else if (decpt >= digits.length()) {
            s.append(digits).append("0".repeat(decpt - digits.length())).append(".0");
        } else {
            s.append(digits, 0, decpt).append('.').append(digits, decpt, digits.length());
        }
        return s.toString();
    }

    /** Standard JSON escapes plus DEL (0x7F), which Python's {@code ensure_ascii} escapes and Jackson does not. */
    private static final class DelEscapes extends CharacterEscapes {
        private final int[] codes;

        DelEscapes() {
            codes = standardAsciiEscapesForJSON();
            codes[0x7F] = ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return codes;
        }

        @Override
        public com.fasterxml.jackson.core.SerializableString getEscapeSequence(int ch) {
            return null; // everything non-ASCII is handled by ESCAPE_NON_ASCII
        }
    }

    /** The layout of Python's {@code indent=2}. A fresh instance per document: it tracks the nesting depth. */
    private static final class IndentTwo implements PrettyPrinter {
        private int depth;

        private void newline(JsonGenerator g) throws IOException {
            g.writeRaw('\n');
            g.writeRaw("  ".repeat(depth));
        }

        private void open(JsonGenerator g, char bracket) throws IOException {
            g.writeRaw(bracket);
            depth++;
        }

        private void separate(JsonGenerator g) throws IOException {
            g.writeRaw(',');
            newline(g);
        }

        private void close(JsonGenerator g, int count, char bracket) throws IOException {
            depth--;
            if (count > 0) {
                newline(g);
            }
            g.writeRaw(bracket);
        }

        @Override
        public void writeRootValueSeparator(JsonGenerator g) {
            // a single root value: nothing between roots, no trailing newline
        }

        @Override
        public void writeStartObject(JsonGenerator g) throws IOException {
            open(g, '{');
        }

        @Override
        public void beforeObjectEntries(JsonGenerator g) throws IOException {
            newline(g);
        }

        @Override
        public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
            g.writeRaw(": ");
        }

        @Override
        public void writeObjectEntrySeparator(JsonGenerator g) throws IOException {
            separate(g);
        }

        @Override
        public void writeEndObject(JsonGenerator g, int entries) throws IOException {
            close(g, entries, '}');
        }

        @Override
        public void writeStartArray(JsonGenerator g) throws IOException {
            open(g, '[');
        }

        @Override
        public void beforeArrayValues(JsonGenerator g) throws IOException {
            newline(g);
        }

        @Override
        public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
            separate(g);
        }

        @Override
        public void writeEndArray(JsonGenerator g, int values) throws IOException {
            close(g, values, ']');
        }
    }
}
