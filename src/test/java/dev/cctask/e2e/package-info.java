/**
 * The real-peer suite (SPEC §13 items 53–54): {@code scripts/e2e-setup && mvn -B verify -Pe2e}.
 *
 * <p>{@code scripts/e2e-setup} installs the pinned peers (Claude Code CLI 2.1.332, Node 24.21.0, OpenClaw 2026.9.6)
 * into {@code $CCTASK_E2E_CACHE} (default {@code ~/.cache/claude-code-task/e2e}) and writes {@code peers.env};
 * {@link dev.cctask.e2e.E2ePeers} reads it and fails the suite when the peers are missing. Peers talk only to
 * loopback fakes started by the tests: {@link dev.cctask.e2e.MockAnthropic} (Messages API),
 * {@link dev.cctask.e2e.MockGateway} (gateway stand-in), {@link dev.cctask.e2e.FakeTelegram} (Bot API) and
 * {@link dev.cctask.e2e.FakeModelProvider} (OpenAI-compatible model for woken agent turns).
 *
 * <ul>
 *   <li>{@code RealClaudeIT}: the real CLI against the Java mock (stdin prompt, resume, API errors).</li>
 *   <li>{@code RealGatewayIT}: the real gateway over {@code /tools/invoke} (message send, sessions_send 404 and
 *       accepted after hot reload, 401).</li>
 *   <li>{@code RunTaskClaudeIT}: {@code java -jar run-task.jar} with the real CLI and a MockWebServer gateway.</li>
 *   <li>{@code RunTaskGatewayIT}: {@code java -jar run-task.jar} with the real CLI and the real gateway.</li>
 * </ul>
 * The gateway starts once per test run ({@link dev.cctask.e2e.SharedGateway}); every process a test starts is
 * stopped with its whole tree by the test.
 */
package dev.cctask.e2e;
