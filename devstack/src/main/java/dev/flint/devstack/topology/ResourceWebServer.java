package dev.flint.devstack.topology;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * The resource network's web server, run as its own small JVM in the resource namespace: {@code GET /} answers
 * with the resource's name and the client address it saw (showing whether traffic arrived through the gateway's
 * masquerade), {@code GET /bytes?n=N} with N bytes for transfer checks.
 */
public final class ResourceWebServer {

    private static final int MAX_BYTES = 64 << 20;

    private ResourceWebServer() {
    }

    /** Arguments: bind address, port, name to announce. */
    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: ResourceWebServer ADDRESS PORT NAME");
            System.exit(2);
        }
        String name = args[2];
        HttpServer server = HttpServer.create(
            new InetSocketAddress(InetAddress.ofLiteral(args[0]), Integer.parseInt(args[1])), 64);
        server.createContext("/", exchange -> answer(exchange, name));
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        System.out.println("serving " + name + " on http://" + args[0] + ":" + args[1] + "/");
    }

    private static void answer(HttpExchange exchange, String name) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String query = exchange.getRequestURI().getQuery();
            if (path.equals("/bytes") && query != null && query.matches("n=\\d{1,9}")) {
                int n = Math.min(Integer.parseInt(query.substring(2)), MAX_BYTES);
                exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
                exchange.sendResponseHeaders(200, n);
                byte[] chunk = new byte[16384];
                try (OutputStream out = exchange.getResponseBody()) {
                    for (int left = n; left > 0; left -= chunk.length) {
                        out.write(chunk, 0, Math.min(left, chunk.length));
                    }
                }
                return;
            }
            if (!path.equals("/")) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            byte[] body = ("flint devstack resource " + name + "\nyou are "
                + exchange.getRemoteAddress().getAddress().getHostAddress() + "\n").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        }
    }
}
