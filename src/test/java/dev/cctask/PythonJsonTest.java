package dev.cctask;

import dev.cctask.support.PythonCheck;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PythonJsonTest {

    private static JsonNode parse(String json) throws Exception {
        return PythonJson.mapper().readTree(json);
    }

    @Test
    void layoutIsPythonIndentTwo() throws Exception {
        ObjectNode root = PythonJson.mapper().createObjectNode();
        root.put("a", "\u007f\u0001\n\t\"\\/é😀");
        root.putArray("b");
        root.putObject("c");
        root.set("d", parse("[1, [2, {}]]"));
        root.putNull("e");
        root.put("f", true);
        root.put("g", 0.1);
        String expected = "{\n"
                + "  \"a\": \"\\u007f\\u0001\\n\\t\\\"\\\\/\\u00e9\\ud83d\\ude00\",\n"
                + "  \"b\": [],\n"
                + "  \"c\": {},\n"
                + "  \"d\": [\n"
                + "    1,\n"
                + "    [\n"
                + "      2,\n"
                + "      {}\n"
                + "    ]\n"
                + "  ],\n"
                + "  \"e\": null,\n"
                + "  \"f\": true,\n"
                + "  \"g\": 0.1\n"
                + "}";
        assertEquals(expected, PythonJson.write(root));
    }

    @Test
    void emptyObjectIsTwoBraces() throws Exception {
        assertEquals("{\n  \"sessions\": {}\n}", PythonJson.write(parse("{\"sessions\":{}}")));
        assertEquals("{}", PythonJson.write(parse("{}")));
    }

    @Test
    void keysAreEscapedLikeValuesAndOrderIsKept() throws Exception {
        assertEquals("{\n  \"z\\u00fc\": 1,\n  \"a\": 2\n}", PythonJson.write(parse("{\"zü\":1,\"a\":2}")));
    }

    @Test
    void floatsArePythonRepr() {
        double[] values = {0.1, 1e-05, 0.0005, 0.0001, 1e16, 1e15, 123.0, 1.5e300, -2.5, 0.10234, 1234567890123456.0,
            12345678901234567.0, 5e-324, Double.MAX_VALUE, 0.3, 2.0 / 3, 100.0, -0.0, 0.0};
        List<String> python = List.of("0.1", "1e-05", "0.0005", "0.0001", "1e+16", "1000000000000000.0", "123.0",
                "1.5e+300", "-2.5", "0.10234", "1234567890123456.0", "1.2345678901234568e+16", "5e-324",
                "1.7976931348623157e+308", "0.3", "0.6666666666666666", "100.0", "-0.0", "0.0");
        for (int i = 0; i < values.length; i++) {
            assertEquals(python.get(i), PythonJson.pythonFloat(values[i]), "value " + values[i]);
        }
    }

    @Test
    void bigIntegersStayExact() throws Exception {
        assertEquals("[\n  123456789012345678901234567890,\n  -7\n]",
                PythonJson.write(parse("[123456789012345678901234567890, -7]")));
    }

    /** The real thing: Python re-serialising our output must give the same bytes. */
    @Test
    void pythonProducesTheSameBytes(@TempDir Path dir) throws Exception {
        assumeTrue(PythonCheck.available(), "python3 not on PATH");
        JsonNode sample = parse("{\"s\":{\"x\":{\"label\":\"Research 🚀 über\",\"n\":null,\"ctl\":\"\\u0000\\u001f\\u007f\\r\\b\\f\","
                + "\"costs\":[0.1234,1e-7,3.0,12345678901234567890],\"deep\":{\"e\":[],\"o\":{}},\"t\":false}},\"empty\":{}}");
        String ours = PythonJson.write(sample);
        Path f = dir.resolve("sample.json");
        Files.writeString(f, ours);
        String theirs = PythonCheck.run("import json,sys\n"
                + "sys.stdout.write(json.dumps(json.load(open(sys.argv[1])), indent=2))\n", f.toString());
        assertEquals(theirs, ours);
    }
}
