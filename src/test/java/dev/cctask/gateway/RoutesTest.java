package dev.cctask.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class RoutesTest {

    /** Every key of SPEC §6 and GATEWAY.md §7; "-" = null; a missing channel = no route. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            # SPEC §6 examples
            agent:main:whatsapp:group:120363424282127706@g.us | whatsapp | 120363424282127706@g.us | - | - | group
            agent:main:telegram:group:-1001234567890 | telegram | -1001234567890 | - | - | group
            agent:main:telegram:group:-1001234567890:topic:42 | telegram | -1001234567890 | 42 | - | group
            agent:main:telegram:direct:123 | telegram | 123 | - | - | direct
            agent:main:discord:channel:123456:thread:987654 | discord | channel:123456 | 987654 | - | channel
            agent:main:slack:channel:C0123ABC | slack | channel:C0123ABC | - | - | channel
            agent:main:slack:direct:U12345678:thread:1777244748.777299 | slack | user:U12345678 | 1777244748.777299 | - | direct
            agent:main:signal:group:abcDEF== | signal | group:abcDEF== | - | - | group
            agent:ops:whatsapp:biz:direct:+15551234567 | whatsapp | +15551234567 | - | biz | direct
            agent:main:main | - | - | - | - | -
            agent:main:main:thread:369520 | - | - | - | - | -
            agent:main:direct:+1555 | - | - | - | - | -
            hook:1f2e3d4c-0000-4000-8000-000000000000 | - | - | - | - | -
            # GATEWAY.md §7
            agent:main:whatsapp:channel:120363000000000001@newsletter | whatsapp | 120363000000000001@newsletter | - | - | channel
            agent:main:whatsapp:direct:+15551234567 | whatsapp | +15551234567 | - | - | direct
            agent:main:telegram:dm:123 | telegram | 123 | - | - | direct
            agent:main:telegram:work:dm:123 | telegram | 123 | - | work | direct
            agent:main:discord:channel:123456 | discord | channel:123456 | - | - | channel
            agent:main:discord:direct:42 | discord | user:42 | - | - | direct
            agent:main:slack:channel:C0123ABC:thread:1777244748.777299 | slack | channel:C0123ABC | 1777244748.777299 | - | channel
            agent:main:signal:direct:+15551234567 | signal | +15551234567 | - | - | direct
            agent:main:imessage:group:chat123 | imessage | chat123 | - | - | group
            agent:main:msteams:channel:19:abc@thread.tacv2 | msteams | 19:abc@thread.tacv2 | - | - | channel
            agent:main:googlechat:group:spaces/AAA | googlechat | spaces/AAA | - | - | group
            agent:main:telegram:slash:777 | - | - | - | - | -
            agent:main:subagent:1234 | - | - | - | - | -
            cron:nightly | - | - | - | - | -
            # grammar details: case, verbatim peers with ':', prefixed peers, empty suffixes
            AGENT:Main:Telegram:GROUP:-100:TOPIC:7 | telegram | -100 | 7 | - | group
            agent:main:matrix:group:!room:server | matrix | !room:server | - | - | group
            agent:main:discord:channel:channel:99 | discord | channel:99 | - | - | channel
            agent:main:slack:direct:user:U1 | slack | user:U1 | - | - | direct
            agent:main:telegram:group:-100:topic:42:thread:9 | telegram | -100 | 9 | - | group
            agent:main:discord:channel:5:thread: | discord | channel:5 | - | - | channel
            agent:main:telegram:group: | - | - | - | - | -
            # legacy @g.us fallback (SPEC §6 step 7)
            agent:main:whatsapp:120363000000000000@g.us | whatsapp | 120363000000000000@g.us | - | - | group
            hook:120363000000000000@g.us:x | whatsapp | 120363000000000000@g.us | - | - | group
            """)
    void resolvesKeys(String key, String channel, String target, String threadId, String accountId, String kind) {
        Optional<Route> expected = channel == null
                ? Optional.empty()
                : Optional.of(new Route(channel, target, threadId, accountId, kind));
        assertEquals(expected, Routes.resolve(key, null, null, null));
    }

    @Test
    void overridesReplaceChannelAndTargetAndClearTheKeysThreadAndAccount() {
        assertEquals(
                Optional.of(new Route("telegram", "-100999", null, null, "chat")),
                Routes.resolve("agent:ops:whatsapp:biz:direct:+1555:thread:3", "Telegram", "-100999", null));
    }

    @Test
    void overrideThreadIdSetsTheThread() {
        assertEquals(
                Optional.of(new Route("telegram", "-100999", "42", null, "chat")),
                Routes.resolve("agent:main:telegram:group:-1:topic:7", "telegram", "-100999", "42"));
        assertEquals(
                Optional.of(new Route("discord", "channel:1", "77", null, "channel")),
                Routes.resolve("agent:main:discord:channel:1:thread:5", null, null, "77"));
    }

    @Test
    void overridesWorkWithoutAKey() {
        assertEquals(
                Optional.of(new Route("slack", "channel:C1", "17.5", null, "chat")),
                Routes.resolve(null, "slack", "channel:C1", "17.5"));
    }

    @Test
    void aLoneOverrideOrAThreadAloneIsNoRoute() {
        assertEquals(Optional.empty(), Routes.resolve(null, "slack", null, null));
        assertEquals(Optional.empty(), Routes.resolve(null, null, "channel:C1", "1"));
        assertEquals(Optional.empty(), Routes.resolve("", null, null, null));
    }

    /** Every key above that names a session, routable or not (SPEC §6), is well-formed: it still gets the wake. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            agent:main:main
            agent:main:main:thread:369520
            agent:main:direct:+1555
            hook:1f2e3d4c-0000-4000-8000-000000000000
            cron:nightly
            agent:main:telegram:slash:777
            agent:main:subagent:1234
            agent:main:telegram:group:-1001234567890:topic:42
            agent:ops:whatsapp:biz:direct:+15551234567
            agent:main:matrix:group:!room:server
            agent:main:discord:channel:5:thread:
            agent:main:whatsapp:120363000000000000@g.us
            """)
    void wellFormedKeysAreAccepted(String key) {
        assertEquals(null, Routes.malformed(key));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            garbage | it is not <namespace>:<session>
            hook: | it is not <namespace>:<session>
            agent: | an agent: key needs an agent id and a session
            agent:main | an agent: key needs an agent id and a session
            agent::main | an agent: key needs an agent id and a session
            agent:main:telegram:group: | it names a chat kind (group) but no peer after it
            agent:main:telegram:direct | it names a chat kind (direct) but no peer after it
            agent:main::group:-100 | it has an empty segment
            """)
    void malformedKeysSayWhatIsWrong(String key, String why) {
        assertEquals(why, Routes.malformed(key));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            agent:main:telegram:group:-1001234567890:topic:42 | agent:main:telegram:group:-1001234567890
            agent:main:discord:channel:123456:thread:987654 | agent:main:discord:channel:123456
            agent:main:slack:direct:U12345678:thread:1777244748.777299 | agent:main:slack:direct:U12345678
            agent:main:main:THREAD:369520 | agent:main:main
            agent:main:telegram:group:-100:topic:42:thread:9 | agent:main:telegram:group:-100
            agent:main:whatsapp:group:120363424282127706@g.us | agent:main:whatsapp:group:120363424282127706@g.us
            agent:main:main | agent:main:main
            """)
    void parentKeyDropsTheThreadOrTopicSuffix(String key, String parent) {
        assertEquals(parent, Routes.parentKey(key));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            agent:main:main | main
            agent:ops:whatsapp:biz:direct:+1555 | ops
            Agent:Ops:telegram:group:-1 | Ops
            agent:main | -
            hook:abc | -
            """)
    void agentIdIsSegmentTwoOfAnAgentKey(String key, String agentId) {
        assertEquals(agentId, Routes.agentId(key));
    }
}
