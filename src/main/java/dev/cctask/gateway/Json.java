package dev.cctask.gateway;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.cctask.Threads;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The gateway room's ObjectMappers, each created on first use (holder idiom) so that startup stays cheap. */
public final class Json {
    private Json() {}

    /** Plain JSON for HTTP bodies and responses. */
    public static ObjectMapper mapper() {
        return Plain.MAPPER;
    }

    /**
     * Builds both mappers and their tree (de)serialisers on a daemon thread, for a command whose main thread has other
     * start-up work first (notify: its command line): a mapper's first use costs tens of milliseconds of class and
     * locale-data initialisation, which a second core does meanwhile.
     */
    static void warmUp() {
        Threads.daemon(Json::warm, "json-warm-up").start();
    }

    private static void warm() {
        try {
            json5().readTree("{}");
            mapper().readTree(mapper().writeValueAsBytes(mapper().createObjectNode()));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // cannot happen with these inputs
        }
    }

    /** JSON5 as far as Jackson reads it: the syntax OpenClaw config files use (SPEC §7.1). */
    static ObjectMapper json5() {
        return Json5.MAPPER;
    }

    private static final class Plain {
        // emoji go on the wire as UTF-8, not as \uD83D\uDCE1 escapes
        static final ObjectMapper MAPPER = JsonMapper.builder()
                .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
                .build();
    }

    private static final class Json5 {
        static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                        .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
                        .enable(JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES)
                        .enable(JsonReadFeature.ALLOW_TRAILING_COMMA)
                        .enable(JsonReadFeature.ALLOW_SINGLE_QUOTES)
                        .enable(JsonReadFeature.ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS)
                        .enable(JsonReadFeature.ALLOW_LEADING_DECIMAL_POINT_FOR_NUMBERS)
                        .enable(JsonReadFeature.ALLOW_TRAILING_DECIMAL_POINT_FOR_NUMBERS)
                        .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                        .enable(JsonReadFeature.ALLOW_BACKSLASH_ESCAPING_ANY_CHARACTER)
                        // parse errors carry line and column, never a snippet of the file (it holds the token)
                        .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                        .build())
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
    }
}
