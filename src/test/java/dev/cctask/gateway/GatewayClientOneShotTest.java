package dev.cctask.gateway;

/** Every {@link GatewayClientTest} again, with the JDK's HttpURLConnection that {@code notify} uses. */
class GatewayClientOneShotTest extends GatewayClientTest {
    @Override
    HttpPost http() {
        return HttpPost.oneShot();
    }
}
