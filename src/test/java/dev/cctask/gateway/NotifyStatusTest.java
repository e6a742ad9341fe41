package dev.cctask.gateway;

import dev.cctask.PythonJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class NotifyStatusTest {
    @Test
    void okIsPythonIndentTwo() {
        assertEquals("{\n  \"status\": \"ok\"\n}", NotifyStatus.ok(null).toJson());
        assertTrue(NotifyStatus.ok(null).isOk());
    }

    @Test
    void nonAsciiIsPrintedAsUtf8InPythonsLayout() {
        assertEquals("{\n  \"status\": \"ok\",\n  \"reply\": \"café 📡 ✅\\n\\t\\\"q\\\" \\\\ /\"\n}",
                NotifyStatus.ok("café 📡 ✅\n\t\"q\" \\ /").toJson());
    }

    @Test
    void errorAndTimeoutCarryTheirMessage() {
        assertEquals("{\n  \"status\": \"error\",\n  \"error\": \"exit code 3\"\n}", NotifyStatus.error("exit code 3").toJson());
        assertEquals("{\n  \"status\": \"timeout\",\n  \"error\": \"Agent didn't respond within 1s\"\n}",
                NotifyStatus.timeout("Agent didn't respond within 1s").toJson());
        assertFalse(NotifyStatus.timeout("x").isOk());
    }

    @Test
    void nestedContainersLookLikePython() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.putArray("a").add(1).add("x");
        node.putObject("empty");
        node.putArray("none");
        assertEquals("{\n  \"a\": [\n    1,\n    \"x\"\n  ],\n  \"empty\": {},\n  \"none\": []\n}", PythonJson.write(node));
    }
}
