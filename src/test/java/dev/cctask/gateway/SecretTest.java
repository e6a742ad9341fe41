package dev.cctask.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SecretTest {
    @Test
    void toStringHidesTheValueWhichOnlyValueReveals() {
        Secret s = Secret.ofNullable("s3cr3t-value");
        assertEquals("Secret[hidden]", s.toString());
        assertEquals("s3cr3t-value", s.value());
        assertFalse(java.util.List.of(s).toString().contains("s3cr3t"));
    }

    @Test
    void blankIsNoSecret() {
        assertNull(Secret.ofNullable(null));
        assertNull(Secret.ofNullable("  "));
    }

    @Test
    void comparesByValue() {
        assertTrue(Secret.ofNullable("a").sameAs(Secret.ofNullable("a")));
        assertFalse(Secret.ofNullable("a").sameAs(Secret.ofNullable("b")));
        assertFalse(Secret.ofNullable("a").sameAs(null));
        assertEquals(Secret.ofNullable("a"), Secret.ofNullable("a"));
    }
}
