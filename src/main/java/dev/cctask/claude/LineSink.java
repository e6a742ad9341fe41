package dev.cctask.claude;

/**
 * Receives one line of the child's stdout as raw bytes, without its {@code \n}. The bytes are only valid during the
 * call (the buffer is reused): a sink that keeps a line copies it.
 */
@FunctionalInterface
public interface LineSink {
    void accept(byte[] bytes, int offset, int length);
}
