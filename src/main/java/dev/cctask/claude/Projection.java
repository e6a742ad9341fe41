package dev.cctask.claude;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Which parts of a JSON value are turned into a tree: an object keeps only the listed fields, each read with its own
 * projection; an array applies its projection to every element; {@link #ALL} keeps the whole value. Fields left out
 * are skipped by the tokenizer without building strings or nodes, which is most of the parser's work saved on a
 * stream of text deltas and tool calls (the text of a delta, the content of a written file).
 *
 * <p>An object projection may also depend on the object's {@code type} field ({@link #byType}).
 */
final class Projection {
    /** The whole value. */
    static final Projection ALL = new Projection(Map.of());
    /** An object with none of its fields. */
    static final Projection NONE = new Projection(Map.of());

    private final Map<String, Projection> fields;
    /** Per value of the {@code type} field, what is read after it; null when the type does not matter. */
    private final Map<String, Projection> byType;

    private Projection(Map<String, Projection> fields) {
        this(fields, null);
    }

    private Projection(Map<String, Projection> fields, Map<String, Projection> byType) {
        this.fields = fields;
        this.byType = byType;
    }

    /**
     * An object read by its {@code type}: the fields after {@code type} as {@code byType} says for its value (other
     * values: none); the fields before it, when {@code type} is not first, as any of them would be read.
     */
    static Projection byType(Map<String, Projection> byType) {
        Projection any = NONE;
        for (Projection p : byType.values()) {
            any = any.union(p);
        }
        Map<String, Projection> fields = new HashMap<>(any.fields);
        fields.put("type", ALL);
        return new Projection(Map.copyOf(fields), Map.copyOf(byType));
    }

    /** What reads all that either reads. */
    private Projection union(Projection other) {
        if (this == ALL || other == ALL) {
            return ALL;
        }
        Map<String, Projection> merged = new HashMap<>(fields);
        other.fields.forEach((name, p) -> merged.merge(name, p, Projection::union));
        return of(merged);
    }

    /** An object keeping only these fields (an array: elements keeping only these fields). */
    static Projection of(Map<String, Projection> fields) {
        return new Projection(Map.copyOf(fields));
    }

    /** An object keeping only these fields, whole. */
    static Projection of(String... names) {
        Map<String, Projection> fields = new HashMap<>();
        for (String name : names) {
            fields.put(name, ALL);
        }
        return of(fields);
    }

    /** Reads the value at the parser's current token, leaving the parser on its last token. */
    JsonNode read(JsonParser p) throws IOException {
        JsonToken token = p.currentToken();
        if (token == null) {
            throw new JsonParseException(p, "unexpected end of input");
        }
        switch (token) {
            // the common scalars directly: readValueAsTree sets up a databind context per call
            case VALUE_STRING:
                return TextNode.valueOf(p.getText());
            case VALUE_NULL:
                return NullNode.getInstance();
            case VALUE_TRUE:
            case VALUE_FALSE:
                return BooleanNode.valueOf(token == JsonToken.VALUE_TRUE);
            case VALUE_NUMBER_INT:
                switch (p.getNumberType()) {
                    case INT:
                        return IntNode.valueOf(p.getIntValue());
                    case LONG:
                        return LongNode.valueOf(p.getLongValue());
                    default:
                        return p.readValueAsTree();
                }
            case START_OBJECT:
                if (this == ALL) {
                    return p.readValueAsTree();
                }
                ObjectNode object = JsonNodeFactory.instance.objectNode();
                Map<String, Projection> read = fields;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    Projection projection = read.get(name);
                    if (projection == null) {
                        p.skipChildren();
                        continue;
                    }
                    JsonNode value = projection.read(p);
                    object.set(name, value);
                    if (byType != null && name.equals("type")) {
                        read = byType.getOrDefault(value.asText(""), NONE).fields;
                    }
                }
                return object;
            case START_ARRAY:
                if (this == ALL) {
                    return p.readValueAsTree();
                }
                ArrayNode array = JsonNodeFactory.instance.arrayNode();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    array.add(read(p));
                }
                return array;
            default:
                return p.readValueAsTree();
        }
    }
}
